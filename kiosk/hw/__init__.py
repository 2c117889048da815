"""Board I/O at the door: GPIO relay, LED and buzzer, and systemd's readiness/watchdog."""
