"""Writes the copy of openapi.yaml that cargo-progenitor 0.15.1 is run on.

progenitor 0.15.1 cannot generate multipart/form-data request bodies (its
body content types are JSON, octet-stream, form-urlencoded and text only;
any other makes the whole generation fail). Our document is right to
describe the file uploads as multipart, since that is what the API takes,
so this copy drops only those request bodies: every other operation,
parameter and schema is as in openapi.yaml. The upload operations are
printed so the CI log shows what progenitor did not cover.

usage: python progenitor_doc.py IN OUT
"""

import sys

import yaml


def main() -> None:
    src, dst = sys.argv[1:3]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and "multipart/form-data" in body.get("content", {}):
                del operation["requestBody"]
                print(f"progenitor copy: multipart body of {method.upper()} {path} "
                      f"({operation['operationId']}) left out")
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
