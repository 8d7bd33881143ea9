#!/usr/bin/env python3
"""Contract check: validates SBI requests and responses that ferrocore produced against
the 3GPP Rel-17 OpenAPI files in crates/wire/sbi/openapi/, with openapi-core.

stdin:  {"openapi_dir": "...", "cases": [{"name", "spec", "method", "path", "query",
         "request": {"content_type", "body"} | null,
         "response": {"status", "content_type", "body" | null, "headers"}}]}
stdout: {"results": [{"name", "errors": [str]}]}

Every object schema that lists `properties` and says nothing about
`additionalProperties` is loaded with `additionalProperties: false`, in every file,
including those reached through cross-file $refs (our own loader patches each file as
it is read), so a property the spec does not define fails the check. Subschemas of an
`allOf` are left open, since each one sees only part of the object.
"""

import copy
import json
import os
import sys
from functools import lru_cache
from urllib.parse import urlparse, unquote

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.testing import MockRequest, MockResponse
from jsonschema_path import SchemaPath

HOST = "https://example.com"  # the apiRoot default of every 3GPP `servers` entry
JSON_TYPES = (
    "application/problem+json",
    "application/3gppHal+json",
    "application/3gpphal+json",
    "application/json-patch+json",
    # multipart/related, checked by its JSON root part: see json_part_of_multipart
    "application/x-ferrocore-json-part+json",
)
MULTIPART = "multipart/related"
JSON_PART = "application/x-ferrocore-json-part+json"


def media_type(content_type):
    """The media type a case's body is checked as (see json_part_of_multipart)."""
    return JSON_PART if content_type == MULTIPART else content_type


def close_objects(node, in_all_of=False):
    """Forces additionalProperties: false on object schemas, recursively."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node and not in_all_of:
            node["additionalProperties"] = False
        for key, value in node.items():
            if key == "allOf" and isinstance(value, list):
                for sub in value:
                    close_objects(sub, in_all_of=True)
            elif key != "example":
                close_objects(value)
    elif isinstance(node, list):
        for item in node:
            close_objects(item)
    return node


def json_part_of_multipart(root):
    """A `multipart/related` body (TS 29.500 §6.1.2.2: a JSON root part and binary parts)
    is checked by its JSON part: the media type's schema becomes that of its `jsonData`
    part. The binary parts carry no schema beyond `format: binary`; the Rust tests check
    that every `RefToBinaryData` names a part that is there. openapi-core has its own
    multipart handling (form-data), so the media type is renamed to a JSON one that it
    passes to our JSON deserializer; cases sent as multipart/related use that name."""
    for item in root["paths"].values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            bodies = [op.get("requestBody") or {}] + list((op.get("responses") or {}).values())
            for body in bodies:
                content = body.get("content") or {}
                media = content.pop(MULTIPART, None)
                if media is None:
                    continue
                part = ((media.get("schema") or {}).get("properties") or {}).get("jsonData")
                if part is not None:
                    content[JSON_PART] = {"schema": part}
    return root


@lru_cache(maxsize=None)
def load_text(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


@lru_cache(maxsize=None)
def parsed(path):
    """The file as published (never modified: callers copy what they change)."""
    return yaml.safe_load(load_text(path))


def raw_schema(path, pointer):
    """The schema at `pointer` in `path`, or None when there is no such file or schema."""
    if not os.path.exists(path):
        return None
    node = parsed(path)
    for part in [p for p in pointer.split("/") if p]:
        if not isinstance(node, dict):
            return None
        node = node.get(part.replace("~1", "/").replace("~0", "~"))
    return node


def rebase_refs(node, origin):
    """Makes the local `$ref`s (`#/...`) of a schema copied out of `origin` point there."""
    if isinstance(node, dict):
        return {
            k: (origin + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else
                rebase_refs(v, origin))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [rebase_refs(x, origin) for x in node]
    return node


def merge_all_of(node, path):
    """An `allOf` of plain object schemas (e.g. TS 29.502 `ExtProblemDetails` = TS 29.571
    `ProblemDetails` + `ProblemDetailsAddInfo`) becomes one object schema with the union
    of their properties, so that closing it allows exactly those. (Closing the referenced
    schemas one by one would allow none: each forbids the other's properties.) An
    `allOf` with any other kind of part is left alone (and open, see close_objects)."""
    if isinstance(node, dict):
        parts = node.get("allOf")
        if isinstance(parts, list) and parts and set(node) <= {"allOf", "description"}:
            merged = {"type": "object", "properties": {}, "required": []}
            for part in parts:
                origin = os.path.basename(path)
                if isinstance(part, dict) and set(part) == {"$ref"}:
                    file, _, pointer = part["$ref"].partition("#")
                    origin = file or origin
                    part = raw_schema(os.path.join(os.path.dirname(path), origin), pointer)
                plain = isinstance(part, dict) and "properties" in part and not (
                    set(part) & {"allOf", "anyOf", "oneOf", "additionalProperties"}
                )
                if not plain:
                    merged = None
                    break
                merged["properties"].update(rebase_refs(part["properties"], origin + "#"))
                merged["required"] += part.get("required", [])
            if merged is not None:
                if not merged["required"]:
                    del merged["required"]
                return merged
        return {k: merge_all_of(v, path) for k, v in node.items()}
    if isinstance(node, list):
        return [merge_all_of(x, path) for x in node]
    return node


@lru_cache(maxsize=None)
def prepared(path):
    return close_objects(merge_all_of(copy.deepcopy(parsed(path)), path))


def load(path):
    # A fresh copy per load: the root document gets its paths pruned below.
    return copy.deepcopy(prepared(path))


def file_handler(uri):
    return load(unquote(urlparse(uri).path))


@lru_cache(maxsize=None)
def app(openapi_dir, spec, paths):
    path = os.path.join(openapi_dir, spec)
    root = load(path)
    # Keep only the operations under test, so that only what they reach is resolved.
    root["paths"] = {p: root["paths"][p] for p in paths}
    json_part_of_multipart(root)
    sp = SchemaPath.from_dict(
        root, base_uri="file://" + os.path.abspath(path), handlers={"file": file_handler}
    )
    config = Config(
        spec_validator_cls=None,
        extra_media_type_deserializers={t: json_loads for t in JSON_TYPES},
    )
    return OpenAPI(sp, config=config)


def body_bytes(body):
    return b"" if body is None else json.dumps(body).encode()


def check(openapi_dir, case, paths):
    api = app(openapi_dir, case["spec"], paths)
    req = case.get("request") or {}
    request = MockRequest(
        HOST,
        case["method"].lower(),
        case["path"],
        args=case.get("query") or {},
        data=body_bytes(req.get("body")),
        content_type=media_type(req.get("content_type", "application/json")),
    )
    errors = []
    try:
        api.validate_request(request)
    except Exception as e:  # noqa: BLE001 - report every failure kind
        errors.append(f"request: {describe(e)}")
    resp = case.get("response")
    if resp is not None:
        response = MockResponse(
            body_bytes(resp.get("body")),
            status_code=resp["status"],
            headers=resp.get("headers") or {},
            content_type=media_type(resp.get("content_type", "application/json")),
        )
        try:
            api.validate_response(request, response)
        except Exception as e:  # noqa: BLE001
            errors.append(f"response: {describe(e)}")
    return errors


def describe(e):
    parts = [f"{type(e).__name__}: {e}"]
    seen = set()
    stack = [e]
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        for attr in ("schema_errors", "errors"):
            for sub in getattr(cur, attr, None) or []:
                msg = getattr(sub, "message", None) or str(sub)
                where = "/".join(str(p) for p in getattr(sub, "absolute_path", []) or [])
                parts.append(f"  at /{where}: {msg}" if where else f"  {msg}")
                stack.append(sub)
        if cur.__cause__ is not None:
            stack.append(cur.__cause__)
    return "\n".join(parts)


def main():
    data = json.load(sys.stdin)
    openapi_dir = data["openapi_dir"]
    # Template paths per spec, so that each spec is loaded once with all of them.
    by_spec = {}
    for case in data["cases"]:
        by_spec.setdefault(case["spec"], set()).add(case["template"])
    results = []
    for case in data["cases"]:
        paths = tuple(sorted(by_spec[case["spec"]]))
        results.append({"name": case["name"], "errors": check(openapi_dir, case, paths)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
