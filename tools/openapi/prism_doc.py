"""Writes a copy of an OpenAPI document (openapi.yaml or openapi-3.1.yaml)
for prism.

Prism matches request paths against `paths` and ignores the path part of the
server URL, while our document (like the real API) keeps `/{org_name}/{app_name}`
in the server URL. This copy folds the server path, with the test org and
app, into every path.

Prism also checks `format: int64` against JavaScript's largest safe integer
(2^53 - 1), so the 64-bit ids of the doc examples (message and task ids)
would be flagged; the copy drops that format annotation. Nothing else
changes: operations, parameters and schemas are as in the document.

usage: python prism_doc.py IN OUT ORG APP
"""

import sys

import yaml


def drop_int64(node):
    """Removes `format: int64` everywhere below `node`."""
    if isinstance(node, dict):
        if node.get("format") == "int64":
            del node["format"]
        for value in node.values():
            drop_int64(value)
    elif isinstance(node, list):
        for value in node:
            drop_int64(value)


def main() -> None:
    src, dst, org, app = sys.argv[1:5]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    prefix = f"/{org}/{app}"
    doc["paths"] = {prefix + path: item for path, item in doc["paths"].items()}
    doc["servers"] = [{"url": "http://127.0.0.1"}]
    drop_int64(doc)
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
