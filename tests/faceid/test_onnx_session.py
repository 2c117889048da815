"""Options every ONNX Runtime session of the face engine is opened with."""

from __future__ import annotations

import pytest

from faceid.onnx_session import session_options


@pytest.mark.parametrize("threads", [1, 2])
def test_intra_op_threads_sleep_instead_of_spinning(threads: int) -> None:
    """Spinning intra-op threads starve the other stages on the kiosk's 2 cores."""
    options = session_options(threads)
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == threads
    assert options.inter_op_num_threads == 1
