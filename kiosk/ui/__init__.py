"""The kiosk's Qt layer: widgets that render kiosk.app.state objects, and QThread workers.

Only this package imports PySide6. Workers only emit state objects; widgets only draw them.
"""
