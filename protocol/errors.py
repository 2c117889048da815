"""The protocol package's exception tree.

    ProtocolError
    └── SettingsError          bad or unknown settings (file, dotted key and what is wrong)
"""


class ProtocolError(Exception):
    """Base of every error the protocol package raises on purpose."""


class SettingsError(ProtocolError):
    pass
