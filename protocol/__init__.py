"""The wire between kiosk and server: payload models, enums, API prefix and headers, and the
settings loader and data-folder rule both processes use. Pydantic and the standard library
only (plus the domain core's enums, the one definition of a punch's kind and source).

    api          API_PREFIX, header names
    punches      PunchIn, PunchBatch, PunchAck
    feed         FeedEntity, FeedOp, FeedChangeOut, FeedPageOut
    events       EventIn, EventBatch, EventAck
    kiosks       DeviceReport, ProvisionIn, CredentialOut
    enrolment    EnrollmentIn, EnrollmentOut (a kiosk's enrolment upload)
    health       HealthOut
    settings_loader, paths, files, errors   shared by both processes
"""
