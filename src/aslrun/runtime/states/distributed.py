"""Distributed Map's edges: ItemReader (S3 objects through handlers), ItemBatcher, ResultWriter.

Items are read through the same handler lookup as Task states: register a handler for
``arn:aws:states:::s3:getObject`` (returning the object's body as text, bytes or parsed JSON)
or ``arn:aws:states:::s3:listObjectsV2`` (returning the API response with ``Contents``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Generator, Mapping
from typing import Any

from aslrun._json import JSON, size_in_bytes
from aslrun.definition.model import MapState
from aslrun.errors import StateFailure, StatesError
from aslrun.handlers.registry import describe_resource
from aslrun.lang.templates import Scope
from aslrun.runtime.frame import StateRun
from aslrun.runtime.invoke import NO_HANDLER, Invocation, Invoke
from aslrun.runtime.process import Effect

__all__ = ["batch_items", "read_items", "write_results"]

_DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}


def _call(run: StateRun, resource: str, params: JSON, failure: str) -> Generator[Effect, Any, Any]:
    """Invoke the handler serving ``resource``; its value as it is, or ``failure``."""
    invocation = Invocation(
        run.frame.rt,
        resource=resource,
        info=describe_resource(resource),
        params=params,
        state_name=run.state.name,
        raw=True,
    )
    answer = yield Invoke(invocation)
    if answer.outcome == NO_HANDLER:
        raise StatesError(
            failure, f"No handler is registered for {resource} (state '{run.state.name}')."
        )
    if answer.error is not None:
        raise StatesError(failure, f"{answer.error.error}: {answer.error.cause}")
    return answer.value


def read_items(
    state: MapState, run: StateRun, effective: JSON
) -> Generator[Effect, Any, list[JSON]]:
    """Read a Distributed Map's items through its ItemReader."""
    reader: Mapping[str, Any] = state.item_reader or {}
    resource = str(reader.get("Resource", ""))
    params = (
        state.item_reader_params.evaluate(Scope(effective, run))
        if state.item_reader_params is not None
        else {}
    )
    config: Mapping[str, Any] = reader.get("ReaderConfig") or {}
    body = yield from _call(run, resource, params, "States.ItemReaderFailed")
    if resource.endswith("listObjectsV2"):
        items = list(body.get("Contents", [])) if isinstance(body, dict) else []
    else:
        items = _parse_body(body, config)
    max_items = config.get("MaxItems")
    if isinstance(max_items, int) and not isinstance(max_items, bool) and max_items > 0:
        items = items[:max_items]
    return items


def _parse_body(body: Any, config: Mapping[str, Any]) -> list[JSON]:
    kind = config.get("InputType", "JSON")
    if kind == "JSON":
        try:
            value = json.loads(body) if isinstance(body, str) else body
        except ValueError as e:  # the object is not JSON text: the reader fails, as for JSONL
            raise StatesError("States.ItemReaderFailed", f"Invalid JSON: {e}") from None
        if not isinstance(value, list):
            raise StatesError(
                "States.ItemReaderFailed", "Attempting to map over non-iterable node."
            )
        return value
    text = body if isinstance(body, str) else json.dumps(body)
    if kind == "JSONL":
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as e:
            raise StatesError("States.ItemReaderFailed", f"Invalid JSONL line: {e}") from None
    if kind == "CSV":
        return _csv_rows(text, config)
    raise StatesError("States.ItemReaderFailed", f"Unsupported InputType {kind!r}.")


def _csv_rows(text: str, config: Mapping[str, Any]) -> list[JSON]:
    delimiter = _DELIMITERS.get(str(config.get("CSVDelimiter", "COMMA")), ",")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = [str(h) for h in config.get("CSVHeaders") or []]
    else:
        if not rows:
            return []
        headers, rows = rows[0], rows[1:]
    out: list[JSON] = []
    for row in rows:
        if not row:
            continue
        if len(row) > len(headers):
            raise StatesError(
                "States.ItemReaderFailed", f"The CSV row has more fields than headers: {row!r}"
            )
        out.append({h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)})
    return out


def batch_items(state: MapState, run: StateRun, effective: JSON, items: list[JSON]) -> list[JSON]:
    """Group items as ItemBatcher says: ``{"BatchInput": ..., "Items": [...]}`` each."""
    batcher: Mapping[str, Any] = state.item_batcher or {}
    max_items = _positive(batcher.get("MaxItemsPerBatch"))
    max_bytes = _positive(batcher.get("MaxInputBytesPerBatch"))
    batch_input = (
        state.batch_input.evaluate(Scope(effective, run)) if state.batch_input is not None else None
    )
    batches: list[JSON] = []
    current: list[JSON] = []
    size = 0
    for item in items:
        item_size = size_in_bytes(item) + 1
        full = (max_items is not None and len(current) >= max_items) or (
            max_bytes is not None and current and size + item_size > max_bytes
        )
        if full:
            batches.append(_batch(batch_input, current))
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        batches.append(_batch(batch_input, current))
    return batches


def _batch(batch_input: JSON, items: list[JSON]) -> JSON:
    out: dict[str, JSON] = {}
    if batch_input is not None:
        out["BatchInput"] = batch_input
    out["Items"] = items
    return out


def _positive(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def write_results(
    state: MapState, run: StateRun, effective: JSON, results: list[JSON], map_run_arn: str
) -> Generator[Effect, Any, JSON]:
    """Apply ResultWriter: transform the results and hand them to the writer's handler."""
    writer: Mapping[str, Any] = state.result_writer or {}
    config: Mapping[str, Any] = writer.get("WriterConfig") or {}
    transformed = _transform(results, str(config.get("Transformation", "NONE")))
    resource = writer.get("Resource")
    if not isinstance(resource, str):
        return transformed
    params = (
        state.result_writer_params.evaluate(Scope(effective, run))
        if state.result_writer_params is not None
        else {}
    )
    if not isinstance(params, dict):
        raise StateFailure(
            "States.ResultWriterFailed", "ResultWriter parameters must be an object."
        )
    prefix = str(params.get("Prefix", "")).rstrip("/")
    key = f"{prefix}/{map_run_arn.rsplit(':', 1)[-1]}/manifest.json".lstrip("/")
    params = {**params, "Key": key, "Body": transformed}
    yield from _call(run, resource, params, "States.ResultWriterFailed")
    return {
        "MapRunArn": map_run_arn,
        "ResultWriterDetails": {"Bucket": params.get("Bucket"), "Key": key},
    }


def _transform(results: list[JSON], transformation: str) -> JSON:
    if transformation == "FLATTEN":
        flat: list[JSON] = []
        for r in results:
            if isinstance(r, list):
                flat.extend(r)
            else:
                flat.append(r)
        return flat
    return results
