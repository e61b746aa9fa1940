"""Definition dict -> frozen model, compiling every path, intrinsic and expression once.

Structural validity is checked by ``validate.iter_diagnostics`` before this runs; this module
still records (never raises on) whatever it cannot build, so a bad definition always ends in
one located ``DefinitionError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

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
from aslrun.definition.validate.checks import is_expression
from aslrun.errors import DefinitionError, Diagnostic
from aslrun.lang.choice_compile import compile_choices
from aslrun.lang.dynamic import Dynamic, Kind, epoch_seconds
from aslrun.lang.paths import Path, PathSyntaxError, compile_path
from aslrun.lang.templates import (
    compile_dynamic_value,
    compile_jsonata,
    compile_opt_path,
    compile_payload,
)

__all__ = ["parse_machine"]

Where = tuple[str | int, ...]


class _Ctx:
    """Compile-time context: the problems found and the top-level query language."""

    def __init__(self, top_language: QueryLanguage) -> None:
        self.problems: list[Diagnostic] = []
        self.top_language = top_language

    def problem(self, where: Where, message: str) -> None:
        self.problems.append(Diagnostic(where, message))


def parse_machine(definition: Mapping[str, Any], *, source: str | None = None) -> Machine:
    """Build the model of a definition; raise DefinitionError listing every problem."""
    lang = definition.get("QueryLanguage", "JSONPath")
    ctx = _Ctx("JSONata" if lang == "JSONata" else "JSONPath")
    machine = _machine(definition, (), ctx, ctx.top_language)
    if ctx.problems:
        raise DefinitionError(ctx.problems, source=source)
    return machine


def _machine(raw: Mapping[str, Any], where: Where, ctx: _Ctx, lang: QueryLanguage) -> Machine:
    states_raw = raw.get("States")
    start_at = raw.get("StartAt")
    if not isinstance(states_raw, dict) or not states_raw:
        ctx.problem((*where, "States"), "must be a non-empty object")
        states_raw = {}
    if not isinstance(start_at, str):
        ctx.problem((*where, "StartAt"), "is required and must be a string")
        start_at = ""
    elif states_raw and start_at not in states_raw:
        ctx.problem((*where, "StartAt"), f"no state named '{start_at}'")
    states: dict[str, State] = {}
    for name, body in states_raw.items():
        swhere = (*where, "States", name)
        if not isinstance(body, dict):
            ctx.problem(swhere, "a state must be an object")
            continue
        state = _state(name, body, swhere, ctx, lang)
        if state is not None:
            states[name] = state
    for name, state in states.items():
        _check_targets(state, states_raw, (*where, "States", name), ctx)
    timeout = raw.get("TimeoutSeconds")
    return Machine(
        start_at,
        states,
        lang,
        timeout if isinstance(timeout, int) and not isinstance(timeout, bool) else None,
        raw.get("Comment") if isinstance(raw.get("Comment"), str) else None,
        where,
    )


def _check_targets(state: State, names: Mapping[str, Any], where: Where, ctx: _Ctx) -> None:
    targets: list[tuple[Where, str | None]] = [((*where, "Next"), state.next)]
    if isinstance(state, ChoiceState):
        targets.append(((*where, "Default"), state.default))
        targets += [
            ((*where, "Choices", i, "Next"), getattr(r, "next", None))
            for i, r in enumerate(state.choices)
        ]
    for i, c in enumerate(getattr(state, "catch", ())):
        targets.append(((*where, "Catch", i, "Next"), c.next))
    for loc, target in targets:
        if target is not None and target not in names:
            ctx.problem(loc, f"no state named '{target}'")


# ----------------------------------------------------------------------------------------------


def _state(
    name: str, raw: Mapping[str, Any], where: Where, ctx: _Ctx, inherited: QueryLanguage
) -> State | None:
    stype = raw.get("Type")
    builder = _BUILDERS.get(stype) if isinstance(stype, str) else None
    if builder is None:
        ctx.problem((*where, "Type"), f"unknown state type {stype!r}")
        return None
    lang_raw = raw.get("QueryLanguage", inherited)
    lang: QueryLanguage = "JSONata" if lang_raw == "JSONata" else "JSONPath"
    common = _common(name, str(stype), raw, where, ctx, lang)
    return builder(raw, where, ctx, common)


def _common(
    name: str, stype: str, raw: Mapping[str, Any], where: Where, ctx: _Ctx, lang: QueryLanguage
) -> dict[str, Any]:
    nxt = raw.get("Next")
    if nxt is not None and not isinstance(nxt, str):
        ctx.problem((*where, "Next"), "must be a string")
        nxt = None
    out: dict[str, Any] = {
        "name": name,
        "type": stype,
        "where": where,
        "query_language": lang,
        "next": nxt,
        "end": raw.get("End") is True,
        "raw": raw,
    }
    if stype not in ("Choice", "Succeed", "Fail") and nxt is None and raw.get("End") is not True:
        ctx.problem(where, "a state of this type needs 'Next' or 'End: true'")
    if lang == "JSONPath":
        for key, attr in (("InputPath", "input_path"), ("OutputPath", "output_path")):
            if key in raw:
                out[attr] = compile_opt_path(raw[key], (*where, key), ctx.problems)
        if "Assign" in raw:
            out["assign"] = _assign_jsonpath(raw["Assign"], (*where, "Assign"), ctx)
    else:
        if "Assign" in raw:
            out["assign"] = _jsonata(raw["Assign"], "Assign", (*where, "Assign"), ctx)
        if "Output" in raw:
            out["output"] = _jsonata(raw["Output"], "Output", (*where, "Output"), ctx)
    return out


def _assign_jsonpath(raw: Any, where: Where, ctx: _Ctx) -> Template | None:
    if not isinstance(raw, dict):
        ctx.problem(where, "must be an object")
        return None
    return compile_payload(raw, where, ctx.problems)


def _jsonata(raw: Any, field: str, where: Where, ctx: _Ctx) -> Template:
    if field.endswith("Assign") and not isinstance(raw, dict):
        # Assign names each variable: it is an object even in JSONata (AWS's schema).
        ctx.problem(where, "must be an object mapping variable names to values")
    return compile_jsonata(raw, field, where, ctx.problems)


def _payload(
    raw: Mapping[str, Any], key: str, where: Where, ctx: _Ctx, lang: QueryLanguage
) -> Template | None:
    if key not in raw:
        return None
    if lang == "JSONata":
        return _jsonata(raw[key], key, (*where, key), ctx)
    return compile_payload(raw[key], (*where, key), ctx.problems)


def _result_path(raw: Mapping[str, Any], where: Where, ctx: _Ctx) -> Any:
    if "ResultPath" not in raw:
        return None
    return compile_opt_path(raw["ResultPath"], (*where, "ResultPath"), ctx.problems, reference=True)


def _opt_path_field(raw: Mapping[str, Any], key: str, where: Where, ctx: _Ctx) -> Path | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        ctx.problem((*where, key), "must be a path string")
        return None
    try:
        return compile_path(value)
    except PathSyntaxError as e:
        ctx.problem((*where, key), str(e))
        return None


def _dynamic(
    raw: Mapping[str, Any], key: str, kind: Kind, where: Where, ctx: _Ctx, lang: QueryLanguage
) -> Dynamic | None:
    """A "value, path or expression" field (``key`` or ``key + 'Path'``), compiled once."""
    value = raw.get(key)
    if value is None:
        path = _opt_path_field(raw, f"{key}Path", where, ctx)
        return None if path is None else Dynamic(key, kind, path=path)
    if lang == "JSONata" and is_expression(value):
        return Dynamic(key, kind, expression=_jsonata(value, key, (*where, key), ctx))
    if kind == "instant":
        at = epoch_seconds(value)  # a written Timestamp is parsed here, once
        return None if at is None else Dynamic(key, kind, value=at)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None  # reported by the validator
    return Dynamic(key, kind, value=float(value) if kind == "positive" else value)


# ----------------------------------------------------------------------------------------------
# One builder per state type.


def _pass(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    too_large = "Result" in raw and size_in_bytes(raw["Result"]) > MAX_PAYLOAD_BYTES
    return PassState(
        **c,
        result=raw.get("Result"),
        has_result="Result" in raw,
        result_too_large=too_large,
        parameters=_payload(raw, "Parameters", where, ctx, lang),
        result_path=_result_path(raw, where, ctx),
    )


def _task(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    resource = raw.get("Resource")
    if not isinstance(resource, str):
        ctx.problem((*where, "Resource"), "is required and must be a string")
        resource = ""
    return TaskState(
        **c,
        resource=resource,
        parameters=_payload(
            raw, "Arguments" if lang == "JSONata" else "Parameters", where, ctx, lang
        ),
        result_selector=_payload(raw, "ResultSelector", where, ctx, lang),
        result_path=_result_path(raw, where, ctx),
        timeout=_dynamic(raw, "TimeoutSeconds", "positive", where, ctx, lang),
        heartbeat=_dynamic(raw, "HeartbeatSeconds", "positive", where, ctx, lang),
        retry=_retriers(raw, where, ctx),
        catch=_catchers(raw, where, ctx, lang),
    )


def _choice(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang: QueryLanguage = c["query_language"]

    def compile_field(name: str, value: Any, fwhere: Where, problems: list[Diagnostic]) -> Any:
        if lang == "JSONata":
            # AWS names a rule's fields by the rule: 'Choices[1]/Condition'.
            index = fwhere[-2] if len(fwhere) >= 2 else 0
            return compile_jsonata(value, f"Choices[{index}]/{name}", fwhere, problems)
        if name == "Assign":
            return _assign_jsonpath(value, fwhere, ctx)
        return value

    rules = compile_choices(
        raw.get("Choices"),
        (*where, "Choices"),
        ctx.problems,
        query_language=lang,
        compile_field=compile_field,
    )
    default = raw.get("Default")
    return ChoiceState(**c, choices=rules, default=default if isinstance(default, str) else None)


def _wait(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    wait = _dynamic(raw, "Seconds", "delay", where, ctx, lang)
    if wait is None:
        wait = _dynamic(raw, "Timestamp", "instant", where, ctx, lang)
    return WaitState(**c, wait=wait)


def _succeed(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    return SucceedState(**c)


def _fail(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    fields: dict[str, Any] = {}
    for key, attr in (("Error", "error"), ("Cause", "cause")):
        value = raw.get(key)
        if lang == "JSONata" and isinstance(value, str):
            value = _jsonata(value, key, (*where, key), ctx)
        fields[attr] = value
    for key, attr in (("ErrorPath", "error_path"), ("CausePath", "cause_path")):
        if key in raw:
            fields[attr] = compile_dynamic_value(raw[key], key, (*where, key), ctx.problems)
    return FailState(**c, **fields)


def _parallel(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    branches_raw = raw.get("Branches")
    if not isinstance(branches_raw, list) or not branches_raw:
        ctx.problem((*where, "Branches"), "must be a non-empty array")
        branches_raw = []
    branches = tuple(
        _machine(b, (*where, "Branches", i), ctx, ctx.top_language)
        for i, b in enumerate(branches_raw)
        if isinstance(b, dict)
    )
    return ParallelState(
        **c,
        branches=branches,
        parameters=_payload(
            raw, "Arguments" if lang == "JSONata" else "Parameters", where, ctx, lang
        ),
        result_selector=_payload(raw, "ResultSelector", where, ctx, lang),
        result_path=_result_path(raw, where, ctx),
        retry=_retriers(raw, where, ctx),
        catch=_catchers(raw, where, ctx, lang),
    )


def _map(raw: Mapping[str, Any], where: Where, ctx: _Ctx, c: dict[str, Any]) -> State:
    lang = c["query_language"]
    key = "ItemProcessor" if "ItemProcessor" in raw else "Iterator"
    proc_raw = raw.get(key)
    processor = None
    mode = "INLINE"
    if isinstance(proc_raw, dict):
        processor = _machine(proc_raw, (*where, key), ctx, ctx.top_language)
        config = proc_raw.get("ProcessorConfig") or {}
        if isinstance(config, dict):
            mode = "DISTRIBUTED" if config.get("Mode") == "DISTRIBUTED" else "INLINE"
    else:
        ctx.problem((*where, "ItemProcessor"), "is required and must be an object")
    fields: dict[str, Any] = {}
    if lang == "JSONata":
        if "Items" in raw:
            fields["items"] = _jsonata(raw["Items"], "Items", (*where, "Items"), ctx)
    elif "ItemsPath" in raw:
        fields["items_path"] = compile_opt_path(
            raw["ItemsPath"], (*where, "ItemsPath"), ctx.problems
        )
    fields["max_concurrency"] = _dynamic(raw, "MaxConcurrency", "integer", where, ctx, lang)
    fields["tolerated_failure_count"] = _dynamic(
        raw, "ToleratedFailureCount", "count", where, ctx, lang
    )
    fields["tolerated_failure_percentage"] = _dynamic(
        raw, "ToleratedFailurePercentage", "percentage", where, ctx, lang
    )
    _map_distributed_fields(raw, where, ctx, lang, fields)
    return MapState(
        **c,
        processor=processor,
        mode=cast(Any, mode),
        item_selector=_payload(raw, "ItemSelector", where, ctx, lang),
        parameters=_payload(raw, "Parameters", where, ctx, lang),
        label=raw.get("Label") if isinstance(raw.get("Label"), str) else None,
        result_selector=_payload(raw, "ResultSelector", where, ctx, lang),
        result_path=_result_path(raw, where, ctx),
        retry=_retriers(raw, where, ctx),
        catch=_catchers(raw, where, ctx, lang),
        **fields,
    )


def _map_distributed_fields(
    raw: Mapping[str, Any], where: Where, ctx: _Ctx, lang: QueryLanguage, fields: dict[str, Any]
) -> None:
    args_key = "Arguments" if lang == "JSONata" else "Parameters"
    reader = raw.get("ItemReader")
    if isinstance(reader, dict):
        fields["item_reader"] = reader
        fields["item_reader_params"] = _payload(reader, args_key, (*where, "ItemReader"), ctx, lang)
    batcher = raw.get("ItemBatcher")
    if isinstance(batcher, dict):
        fields["item_batcher"] = batcher
        fields["batch_input"] = _payload(batcher, "BatchInput", (*where, "ItemBatcher"), ctx, lang)
    writer = raw.get("ResultWriter")
    if isinstance(writer, dict):
        fields["result_writer"] = writer
        fields["result_writer_params"] = _payload(
            writer, args_key, (*where, "ResultWriter"), ctx, lang
        )


# ----------------------------------------------------------------------------------------------
# Retry and Catch


def _errors(raw: Any, where: Where, ctx: _Ctx) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(e, str) for e in raw):
        ctx.problem(where, "must be a non-empty array of error names")
        return ()
    return tuple(raw)


def _retriers(raw: Mapping[str, Any], where: Where, ctx: _Ctx) -> tuple[Retrier, ...]:
    out: list[Retrier] = []
    for i, r in enumerate(raw.get("Retry") or ()):
        rwhere = (*where, "Retry", i)
        if not isinstance(r, dict):
            ctx.problem(rwhere, "a retrier must be an object")
            continue
        jitter = r.get("JitterStrategy", "NONE")
        out.append(
            Retrier(
                error_equals=_errors(r.get("ErrorEquals"), (*rwhere, "ErrorEquals"), ctx),
                interval_seconds=_num(r, "IntervalSeconds", 1, rwhere, ctx),
                max_attempts=int(_num(r, "MaxAttempts", 3, rwhere, ctx)),
                backoff_rate=_num(r, "BackoffRate", 2.0, rwhere, ctx),
                max_delay_seconds=(
                    _num(r, "MaxDelaySeconds", 0, rwhere, ctx) if "MaxDelaySeconds" in r else None
                ),
                jitter="FULL" if jitter == "FULL" else "NONE",
            )
        )
    return tuple(out)


def _num(r: Mapping[str, Any], key: str, default: float, where: Where, ctx: _Ctx) -> float:
    value = r.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ctx.problem((*where, key), "must be a number")
        return default
    return value


def _catchers(
    raw: Mapping[str, Any], where: Where, ctx: _Ctx, lang: QueryLanguage
) -> tuple[Catcher, ...]:
    out: list[Catcher] = []
    for i, c in enumerate(raw.get("Catch") or ()):
        cwhere = (*where, "Catch", i)
        if not isinstance(c, dict):
            ctx.problem(cwhere, "a catcher must be an object")
            continue
        nxt = c.get("Next")
        if not isinstance(nxt, str):
            ctx.problem((*cwhere, "Next"), "is required and must be a string")
            continue
        if lang == "JSONata":
            out.append(
                Catcher(
                    _errors(c.get("ErrorEquals"), (*cwhere, "ErrorEquals"), ctx),
                    nxt,
                    output=(
                        _jsonata(c["Output"], "Output", (*cwhere, "Output"), ctx)
                        if "Output" in c
                        else None
                    ),
                    assign=(
                        _jsonata(c["Assign"], "Assign", (*cwhere, "Assign"), ctx)
                        if "Assign" in c
                        else None
                    ),
                )
            )
        else:
            rp = (
                compile_opt_path(
                    c["ResultPath"], (*cwhere, "ResultPath"), ctx.problems, reference=True
                )
                if "ResultPath" in c
                else None
            )
            out.append(
                Catcher(
                    _errors(c.get("ErrorEquals"), (*cwhere, "ErrorEquals"), ctx),
                    nxt,
                    result_path=rp,
                    assign=(
                        _assign_jsonpath(c["Assign"], (*cwhere, "Assign"), ctx)
                        if "Assign" in c
                        else None
                    ),
                )
            )
    return tuple(out)


_BUILDERS: Mapping[str, Callable[[Mapping[str, Any], Where, _Ctx, dict[str, Any]], State]] = {
    "Pass": _pass,
    "Task": _task,
    "Choice": _choice,
    "Wait": _wait,
    "Succeed": _succeed,
    "Fail": _fail,
    "Parallel": _parallel,
    "Map": _map,
}
