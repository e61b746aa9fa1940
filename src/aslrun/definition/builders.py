"""One frozen model state from one state's definition: a builder per state type.

The load walk (:mod:`aslrun.definition.validate`) calls :func:`build_state` for every state
right after the validation rules have looked at it.  The rules have already compiled the
state's paths, intrinsic calls and JSONata expressions into :class:`~aslrun.lang.pieces.Pieces`
(reporting what does not compile); a builder takes them from there, so nothing is compiled
twice.  Builders never report what the rules report: they run on invalid definitions too
(``validate()`` lists every problem), so they skip what is malformed and return defaults.
What only a builder can find is recorded in ``Build.problems``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aslrun._json import MAX_PAYLOAD_BYTES, size_in_bytes
from aslrun.definition.model import (
    Catcher,
    ChoiceState,
    FailState,
    Machine,
    MapState,
    ParallelState,
    PassState,
    QueryLanguage,
    Retrier,
    State,
    SucceedState,
    TaskState,
    Template,
    WaitState,
)
from aslrun.errors import Diagnostic
from aslrun.lang.choice_compile import compile_choices
from aslrun.lang.dynamic import Dynamic, Kind, epoch_seconds
from aslrun.lang.paths import Path
from aslrun.lang.pieces import FAILED, Location, Pieces
from aslrun.lang.templates import (
    OptPath,
    compile_dynamic_value,
    compile_jsonata,
    compile_opt_path,
    compile_payload,
)

__all__ = ["Build", "build_state"]

Where = Location


@dataclass
class Build:
    """What a builder reads besides the state's body: compiled pieces, built sub-machines."""

    pieces: Pieces
    machines: Mapping[Location, Machine]
    language: QueryLanguage
    expressions: Mapping[str, object]  # compiled JSONata expressions by their text
    problems: list[Diagnostic] = field(default_factory=list)
    failed: tuple[Location, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.failed = tuple(loc for loc, piece in self.pieces.items() if piece is FAILED)


def build_state(name: str, raw: Mapping[str, Any], where: Where, build: Build) -> State | None:
    """The model of one state (``raw`` is an object with a known ``Type``)."""
    stype = str(raw.get("Type"))
    builder = _BUILDERS.get(stype)
    if builder is None:
        return None
    return builder(raw, where, build, _common(name, stype, raw, where, build))


def _is_expression(value: object) -> bool:
    return isinstance(value, str) and len(value) >= 4 and value[:2] == "{%" and value[-2:] == "%}"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _common(
    name: str, stype: str, raw: Mapping[str, Any], where: Where, b: Build
) -> dict[str, Any]:
    nxt = raw.get("Next")
    out: dict[str, Any] = {
        "name": name,
        "type": stype,
        "where": where,
        "query_language": b.language,
        "next": nxt if isinstance(nxt, str) else None,
        "end": raw.get("End") is True,
        "raw": raw,
    }
    if b.language == "JSONPath":
        for key, attr in (("InputPath", "input_path"), ("OutputPath", "output_path")):
            if key in raw:
                out[attr] = _opt_path(raw[key], (*where, key), b)
        if "Assign" in raw:
            out["assign"] = _assign(raw["Assign"], (*where, "Assign"), b)
    else:
        if "Assign" in raw:
            out["assign"] = _assign(raw["Assign"], (*where, "Assign"), b)
        if "Output" in raw:
            out["output"] = _jsonata(raw["Output"], "Output", (*where, "Output"), b)
    return out


def _assign(raw: Any, where: Where, b: Build) -> Template | None:
    """Assign names each variable: an object in both query languages (AWS's schema)."""
    if b.language == "JSONata":
        if not isinstance(raw, dict):
            b.problems.append(
                Diagnostic(where, "must be an object mapping variable names to values")
            )
        return _jsonata(raw, "Assign", where, b)
    if not isinstance(raw, dict):
        b.problems.append(Diagnostic(where, "must be an object"))
        return None
    return compile_payload(raw, where, b.problems, b.pieces)


def _opt_path(raw: Any, where: Where, b: Build, *, reference: bool = False) -> OptPath:
    return compile_opt_path(raw, where, b.problems, reference=reference, pieces=b.pieces)


def _jsonata(raw: Any, name: str, where: Where, b: Build) -> Template:
    """A JSONata template; one whose expressions did not compile (reported) stays literal."""
    if b.failed and any(loc[: len(where)] == where for loc in b.failed):
        return Template(raw, lambda scope: raw, True)
    return compile_jsonata(raw, name, where, b.problems, b.expressions)


def _payload(raw: Mapping[str, Any], key: str, where: Where, b: Build) -> Template | None:
    if key not in raw:
        return None
    if b.language == "JSONata":
        return _jsonata(raw[key], key, (*where, key), b)
    return compile_payload(raw[key], (*where, key), b.problems, b.pieces)


def _result_path(raw: Mapping[str, Any], where: Where, b: Build) -> OptPath:
    if "ResultPath" not in raw:
        return None
    return _opt_path(raw["ResultPath"], (*where, "ResultPath"), b, reference=True)


def _dynamic(
    raw: Mapping[str, Any], key: str, kind: Kind, where: Where, b: Build
) -> Dynamic | None:
    """A "value, path or expression" field (``key`` or ``key + 'Path'``), compiled once."""
    value = raw.get(key)
    if value is None:
        path = b.pieces.get((*where, f"{key}Path"))
        return Dynamic(key, kind, path=path) if isinstance(path, Path) else None
    if b.language == "JSONata" and _is_expression(value):
        return Dynamic(key, kind, expression=_jsonata(value, key, (*where, key), b))
    if kind == "instant":
        at = epoch_seconds(value)  # a written Timestamp is parsed here, once
        return None if at is None else Dynamic(key, kind, value=at)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Dynamic(key, kind, value=float(value) if kind == "positive" else value)


# ----------------------------------------------------------------------------------------------
# One builder per state type.


def _pass(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    too_large = "Result" in raw and size_in_bytes(raw["Result"]) > MAX_PAYLOAD_BYTES
    return PassState(
        **c,
        result=raw.get("Result"),
        has_result="Result" in raw,
        result_too_large=too_large,
        parameters=_payload(raw, "Parameters", where, b),
        result_path=_result_path(raw, where, b),
    )


def _arguments_key(b: Build) -> str:
    return "Arguments" if b.language == "JSONata" else "Parameters"


def _task(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    resource = raw.get("Resource")
    return TaskState(
        **c,
        resource=resource if isinstance(resource, str) else "",
        parameters=_payload(raw, _arguments_key(b), where, b),
        result_selector=_payload(raw, "ResultSelector", where, b),
        result_path=_result_path(raw, where, b),
        timeout=_dynamic(raw, "TimeoutSeconds", "positive", where, b),
        heartbeat=_dynamic(raw, "HeartbeatSeconds", "positive", where, b),
        retry=_retriers(raw),
        catch=_catchers(raw, where, b),
    )


def _choice(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    def compile_field(name: str, value: Any, fwhere: Where, problems: list[Diagnostic]) -> Any:
        # AWS names a rule's fields by the rule: 'Choices[1]/Condition'.
        index = fwhere[-2] if len(fwhere) >= 2 else 0
        if b.language == "JSONata":
            return _jsonata(value, f"Choices[{index}]/{name}", fwhere, b)
        return _assign(value, fwhere, b) if name == "Assign" else value

    rules = compile_choices(
        raw.get("Choices"),
        (*where, "Choices"),
        b.problems,
        query_language=b.language,
        compile_field=compile_field,
        pieces=b.pieces,
    )
    default = raw.get("Default")
    return ChoiceState(**c, choices=rules, default=default if isinstance(default, str) else None)


def _wait(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    wait = _dynamic(raw, "Seconds", "delay", where, b)
    if wait is None:
        wait = _dynamic(raw, "Timestamp", "instant", where, b)
    return WaitState(**c, wait=wait)


def _succeed(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    return SucceedState(**c)


def _fail(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    fields: dict[str, Any] = {}
    for key, attr in (("Error", "error"), ("Cause", "cause")):
        value = raw.get(key)
        if isinstance(value, str):
            fields[attr] = (
                _jsonata(value, key, (*where, key), b) if b.language == "JSONata" else value
            )
    for key, attr in (("ErrorPath", "error_path"), ("CausePath", "cause_path")):
        if key in raw:
            fields[attr] = compile_dynamic_value(raw[key], key, (*where, key), b.problems, b.pieces)
    return FailState(**c, **fields)


def _parallel(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    places = [(*where, "Branches", i) for i in range(len(_list(raw.get("Branches"))))]
    branches = tuple(b.machines[place] for place in places if place in b.machines)
    return ParallelState(
        **c,
        branches=branches,
        parameters=_payload(raw, _arguments_key(b), where, b),
        result_selector=_payload(raw, "ResultSelector", where, b),
        result_path=_result_path(raw, where, b),
        retry=_retriers(raw),
        catch=_catchers(raw, where, b),
    )


def _map(raw: Mapping[str, Any], where: Where, b: Build, c: dict[str, Any]) -> State:
    key = "ItemProcessor" if "ItemProcessor" in raw else "Iterator"
    processor = b.machines.get((*where, key))
    proc_raw = raw.get(key)
    config = proc_raw.get("ProcessorConfig") if isinstance(proc_raw, dict) else None
    distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
    mode: Literal["INLINE", "DISTRIBUTED"] = "DISTRIBUTED" if distributed else "INLINE"
    fields: dict[str, Any] = {}
    if b.language == "JSONata":
        if "Items" in raw:
            fields["items"] = _jsonata(raw["Items"], "Items", (*where, "Items"), b)
    elif "ItemsPath" in raw:
        fields["items_path"] = _opt_path(raw["ItemsPath"], (*where, "ItemsPath"), b)
    _map_distributed_fields(raw, where, b, fields)
    label = raw.get("Label")
    return MapState(
        **c,
        processor=processor,
        mode=mode,
        max_concurrency=_dynamic(raw, "MaxConcurrency", "integer", where, b),
        tolerated_failure_count=_dynamic(raw, "ToleratedFailureCount", "count", where, b),
        tolerated_failure_percentage=_dynamic(
            raw, "ToleratedFailurePercentage", "percentage", where, b
        ),
        item_selector=_payload(raw, "ItemSelector", where, b),
        parameters=_payload(raw, "Parameters", where, b),
        label=label if isinstance(label, str) else None,
        result_selector=_payload(raw, "ResultSelector", where, b),
        result_path=_result_path(raw, where, b),
        retry=_retriers(raw),
        catch=_catchers(raw, where, b),
        **fields,
    )


def _map_distributed_fields(
    raw: Mapping[str, Any], where: Where, b: Build, fields: dict[str, Any]
) -> None:
    args_key = _arguments_key(b)
    reader = raw.get("ItemReader")
    if isinstance(reader, dict):
        fields["item_reader"] = reader
        fields["item_reader_params"] = _payload(reader, args_key, (*where, "ItemReader"), b)
    batcher = raw.get("ItemBatcher")
    if isinstance(batcher, dict):
        fields["item_batcher"] = batcher
        fields["batch_input"] = _payload(batcher, "BatchInput", (*where, "ItemBatcher"), b)
    writer = raw.get("ResultWriter")
    if isinstance(writer, dict):
        fields["result_writer"] = writer
        fields["result_writer_params"] = _payload(writer, args_key, (*where, "ResultWriter"), b)


# ----------------------------------------------------------------------------------------------
# Retry and Catch (their rules: validate.retry_catch)


def _errors(raw: Any) -> tuple[str, ...]:
    return tuple(e for e in _list(raw) if isinstance(e, str))


def _num(r: Mapping[str, Any], key: str, default: float) -> float:
    value = r.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    return value


def _retriers(raw: Mapping[str, Any]) -> tuple[Retrier, ...]:
    return tuple(
        Retrier(
            error_equals=_errors(r.get("ErrorEquals")),
            interval_seconds=_num(r, "IntervalSeconds", 1),
            max_attempts=int(_num(r, "MaxAttempts", 3)),
            backoff_rate=_num(r, "BackoffRate", 2.0),
            max_delay_seconds=_num(r, "MaxDelaySeconds", 0) if "MaxDelaySeconds" in r else None,
            jitter="FULL" if r.get("JitterStrategy") == "FULL" else "NONE",
        )
        for r in _list(raw.get("Retry"))
        if isinstance(r, dict)
    )


def _catchers(raw: Mapping[str, Any], where: Where, b: Build) -> tuple[Catcher, ...]:
    out: list[Catcher] = []
    for i, c in enumerate(_list(raw.get("Catch"))):
        cwhere = (*where, "Catch", i)
        if not isinstance(c, dict) or not isinstance(c.get("Next"), str):
            continue
        errors = _errors(c.get("ErrorEquals"))
        if b.language == "JSONata":
            output = (
                _jsonata(c["Output"], "Output", (*cwhere, "Output"), b) if "Output" in c else None
            )
            assign = _assign(c["Assign"], (*cwhere, "Assign"), b) if "Assign" in c else None
            out.append(Catcher(errors, c["Next"], output=output, assign=assign))
            continue
        result_path = (
            _opt_path(c["ResultPath"], (*cwhere, "ResultPath"), b, reference=True)
            if "ResultPath" in c
            else None
        )
        assign = _assign(c["Assign"], (*cwhere, "Assign"), b) if "Assign" in c else None
        out.append(Catcher(errors, c["Next"], result_path=result_path, assign=assign))
    return tuple(out)


_Builder = Callable[[Mapping[str, Any], Where, Build, dict[str, Any]], State]
_BUILDERS: Mapping[str, _Builder] = {
    "Pass": _pass,
    "Task": _task,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}
