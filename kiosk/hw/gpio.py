"""Door relay, status LED and buzzer through gpiozero.

The relay is pulsed for ``relay_pulse_s`` seconds (default 1.0) on a recorded check-in, so a
door strike or turnstile opens; the buzzer gives one short beep (0.1 s) for a check-in and
three for a refusal; the LED is lit steadily while the kiosk is online and blinks slowly
(1 s on, 1 s off) while it is offline. Every call returns at once: gpiozero runs pulses and
blinks on its own background threads, so callers (the decision worker) never wait on a pin.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.errors import KioskError
from kiosk.settings import GpioSettings

log = logging.getLogger(__name__)

BEEP_S = 0.1


class DoorSignals:
    """The kiosk's GPIO outputs. ``pin_factory`` is gpiozero's (a MockFactory in tests)."""

    def __init__(self, settings: GpioSettings, pin_factory: Any = None) -> None:
        try:
            from gpiozero import LED, Buzzer, DigitalOutputDevice
            from gpiozero.exc import GPIOZeroError
        except ImportError as exc:
            raise KioskError("GPIO is enabled but gpiozero is not installed "
                             "(pip install gpiozero)") from exc
        self._settings = settings
        try:
            self.relay = DigitalOutputDevice(settings.relay_pin, active_high=settings.active_high,
                                             initial_value=False, pin_factory=pin_factory)
            self.led = LED(settings.led_pin, pin_factory=pin_factory)
            self.buzzer = Buzzer(settings.buzzer_pin, pin_factory=pin_factory)
        except GPIOZeroError as exc:
            raise KioskError(f"GPIO pins could not be opened: {exc}") from exc

    def checked_in(self) -> None:
        """Open the door for relay_pulse_s seconds and beep once."""
        self.relay.blink(on_time=self._settings.relay_pulse_s, off_time=0, n=1, background=True)
        self.buzzer.beep(on_time=BEEP_S, off_time=BEEP_S, n=1, background=True)

    def refused(self) -> None:
        """Three short beeps; the door stays shut."""
        self.buzzer.beep(on_time=BEEP_S, off_time=BEEP_S, n=3, background=True)

    def set_online(self, online: bool) -> None:
        """Steady LED when the server is reachable, a slow blink when it is not."""
        if online:
            self.led.on()
        else:
            self.led.blink(on_time=1.0, off_time=1.0, background=True)

    def close(self) -> None:
        """Release the pins (the relay drops to its safe, closed state)."""
        for device in (self.relay, self.led, self.buzzer):
            device.close()
