"""How the command line answers failures: exit statuses, one-line messages, JSON error objects.

=====  ===============================================================================
 0     success
 1     a theorem or a replication step failed; a write failed for a reason other than the
       path (a full disk, an I/O error); a plugin failed to load; out of memory
 2     bad input: one line naming the parameter and the rule it breaks; an output path
       that cannot be written (under a file, read-only, permission denied)
 3     a solver did not converge (an equilibrium, a calibration, a planner), or a result
       is not finite; with ``--json`` stdout carries one JSON object with ``error``,
       ``message`` and the residual ``history``, and ``--out`` receives it as ``error.json``
130    interrupted (Ctrl-C); nothing that looks like a complete result is left behind
=====  ===============================================================================

User errors never print a traceback; warnings of NumPy and SciPy are shown as one line each.
"""
from __future__ import annotations

import errno
import functools
import json
import sys
import warnings

import click

from .errors import ConvergenceError, DeterminacyError, NonFiniteError, ParameterError

__all__ = ["EXIT_OK", "EXIT_FAILED", "EXIT_BAD_INPUT", "EXIT_NOT_CONVERGED", "EXIT_INTERRUPTED", "user_errors",
           "one_line_warnings", "error_payload"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_NOT_CONVERGED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_BAD_PATH = {errno.ENOTDIR, errno.EISDIR, errno.ENOENT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EEXIST,
             errno.ENAMETOOLONG, errno.ELOOP, errno.EINVAL}


def _one_line(text: str, limit: int = 2000) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fail(message: str, status: int):
    click.echo(f"error: {_one_line(message)}", err=True)
    sys.exit(status)


def _history_summary(history) -> str:
    if not history:
        return ""
    shown = [f"{h:.3g}" for h in history[:3]]
    if len(history) > 6:
        shown += ["..."] + [f"{h:.3g}" for h in history[-3:]]
    else:
        shown = [f"{h:.3g}" for h in history]
    return f"; residual history over {len(history)} evaluations: {', '.join(shown)}"


def error_payload(exc: BaseException, status: int) -> dict:
    """The JSON object describing a failure: ``error``, ``message``, ``status`` (and ``parameter``/``history``)."""
    from .results import to_jsonable

    payload = {"error": type(exc).__name__, "message": _one_line(str(exc)), "status": status}
    if isinstance(exc, ParameterError):
        payload["parameter"] = exc.parameter
    if isinstance(exc, ConvergenceError):
        payload["history"] = to_jsonable([float(h) for h in exc.history])
    return payload


def _report(exc: BaseException, status: int, message: str, kwargs) -> None:
    """The one-line message on stderr; with ``--json`` the JSON object on stdout; with ``--out`` error.json."""
    payload = error_payload(exc, status)
    if kwargs.get("as_json"):
        click.echo(json.dumps(payload))
    out = kwargs.get("out")
    if out is not None and status == EXIT_NOT_CONVERGED:
        from .results import write_error

        try:
            write_error(payload, out)
        except OSError as write_failure:
            click.echo(f"error: could not write {out}/error.json: {write_failure.strerror or write_failure}",
                       err=True)
    _fail(message, status)


def _os_error_status(exc: OSError) -> int:
    return EXIT_BAD_INPUT if exc.errno in _BAD_PATH else EXIT_FAILED


def user_errors(function):
    """Answer failures as the exit-status table promises: one line on stderr, no traceback."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from .registry import PluginLoadError

        try:
            with warnings.catch_warnings():
                one_line_warnings()
                _shown.clear()
                return function(*args, **kwargs)
        except ParameterError as exc:
            _report(exc, EXIT_BAD_INPUT, str(exc), kwargs)
        except (DeterminacyError, NonFiniteError) as exc:
            _report(exc, EXIT_NOT_CONVERGED, str(exc), kwargs)
        except ConvergenceError as exc:
            _report(exc, EXIT_NOT_CONVERGED, f"did not converge: {exc}{_history_summary(exc.history)}", kwargs)
        except PluginLoadError as exc:
            _fail(str(exc), EXIT_FAILED)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_INTERRUPTED)
        except MemoryError:
            _fail("out of memory (use smaller sizes, or set EQUILIBRIA_MEMORY_LIMIT_MB to be told before starting)",
                  EXIT_FAILED)
        except OSError as exc:
            where = exc.filename if exc.filename is not None else ""
            _fail(f"{exc.strerror or exc}: {where}" if where else str(exc), _os_error_status(exc))
    return wrapper


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = f"warning: {_one_line(message, 300)} ({category.__name__})"
    if text in _shown:
        return
    _shown.add(text)
    print(text, file=sys.stderr if file is None else file)


_shown: set = set()


def one_line_warnings() -> None:
    """Show each distinct warning once, on one line, without the source line it came from."""
    warnings.simplefilter("default")
    warnings.showwarning = _show_warning
