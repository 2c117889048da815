"""One place that opens ONNX Runtime sessions: threads, providers, and error translation."""

from __future__ import annotations

import logging
from pathlib import Path

import onnxruntime as ort

from faceid.errors import ModelError, ModelMissingError

log = logging.getLogger(__name__)

# Tried in this order; the first one the installed onnxruntime build offers is used.
PREFERRED_PROVIDERS = (
    "TensorrtExecutionProvider",
    "CUDAExecutionProvider",
    "CPUExecutionProvider",
)


def available_providers(preferred: tuple[str, ...] = PREFERRED_PROVIDERS) -> list[str]:
    """The preferred providers this onnxruntime build has, best first (CPU always last)."""
    have = set(ort.get_available_providers())
    chosen = [p for p in preferred if p in have]
    return chosen or ["CPUExecutionProvider"]


def make_session(
    model_path: Path,
    threads: int = 1,
    providers: list[str] | None = None,
) -> ort.InferenceSession:
    """Open ``model_path`` with ``threads`` intra-op threads (1 = single-threaded).

    Raises ModelMissingError if the file is absent, ModelError if ONNX Runtime rejects it.
    """
    if not model_path.is_file():
        raise ModelMissingError(f"model file not found: {model_path} "
                                "(run `kiosk models install`)")
    try:
        session = ort.InferenceSession(
            str(model_path), sess_options=session_options(threads),
            providers=providers or available_providers()
        )
    except Exception as exc:  # onnxruntime raises several unrelated types
        raise ModelError(f"ONNX Runtime could not load {model_path}: {exc}") from exc
    log.debug("opened %s with %s", model_path.name, session.get_providers())
    return session


def make_session_from_bytes(model: bytes, threads: int = 1) -> ort.InferenceSession:
    """A CPU session over a serialised ONNX model built in memory (faceid.search_index).

    Raises ModelError if ONNX Runtime rejects it.
    """
    try:
        return ort.InferenceSession(model, sess_options=session_options(threads),
                                    providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises several unrelated types
        raise ModelError(f"ONNX Runtime could not load an in-memory model: {exc}") from exc


def session_options(threads: int) -> ort.SessionOptions:
    """``threads`` intra-op threads that sleep when idle, sequential execution, warnings off.

    ONNX Runtime's intra-op threads spin (busy-wait) between operators by default. On the
    kiosk's 2 cores the detector, the embedder, the liveness thread and Qt share the CPU, so
    a spinning thread takes the core another stage needs: spinning is off.
    """
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options
