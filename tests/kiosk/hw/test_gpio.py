"""The door relay, LED and buzzer driven through gpiozero's mock pins."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

gpiozero = pytest.importorskip("gpiozero")
from gpiozero.pins.mock import MockFactory  # noqa: E402

from kiosk.hw.gpio import DoorSignals  # noqa: E402
from kiosk.settings import GpioSettings  # noqa: E402


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    pins = MockFactory()
    yield pins
    pins.reset()


def wait_for(condition, timeout_s: float = 3.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_check_in_pulses_the_relay_once(factory: MockFactory) -> None:
    settings = GpioSettings(enabled=True, relay_pin=17, relay_pulse_s=0.2)
    signals = DoorSignals(settings, pin_factory=factory)
    relay = factory.pin(17)
    assert relay.state is False
    started = time.monotonic()
    signals.checked_in()
    assert wait_for(lambda: relay.state is True, 1.0)
    assert wait_for(lambda: relay.state is False, 2.0)
    held_s = time.monotonic() - started
    assert 0.15 <= held_s < 1.5
    assert [s.state for s in relay.states][-2:] == [True, False]
    signals.close()


def test_active_low_relay_rests_high(factory: MockFactory) -> None:
    settings = GpioSettings(enabled=True, relay_pin=5, active_high=False, relay_pulse_s=0.1)
    signals = DoorSignals(settings, pin_factory=factory)
    assert factory.pin(5).state is True  # closed door = pin high on an active-low board
    signals.checked_in()
    assert wait_for(lambda: factory.pin(5).state is False, 1.0)
    assert wait_for(lambda: factory.pin(5).state is True, 2.0)
    signals.close()


def test_refusal_beeps_three_times_and_keeps_the_door_shut(factory: MockFactory) -> None:
    settings = GpioSettings(enabled=True, buzzer_pin=22, relay_pin=17)
    signals = DoorSignals(settings, pin_factory=factory)
    signals.refused()
    buzzer = factory.pin(22)
    assert wait_for(lambda: sum(1 for s in buzzer.states if s.state) >= 3, 3.0)
    assert not any(s.state for s in factory.pin(17).states)
    signals.close()


def test_led_steady_online_blinking_offline(factory: MockFactory) -> None:
    settings = GpioSettings(enabled=True, led_pin=27)
    signals = DoorSignals(settings, pin_factory=factory)
    led = factory.pin(27)
    signals.set_online(True)
    assert led.state is True
    signals.set_online(False)
    assert wait_for(lambda: led.state is False, 3.0)
    signals.set_online(True)
    assert led.state is True
    signals.close()
