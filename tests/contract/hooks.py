"""Schemathesis hooks for Yingshang's contract tests (loaded through SCHEMATHESIS_HOOKS).

Each operation's document says who may call it (`x-yingshang-caller`, written from the
same description the route table carries). Before each call this hook replaces whatever
credential was generated with a valid one for that kind of caller, so that the fuzzer
reaches the handlers instead of stopping at 401. The credentials come from the test
that starts the gateway, in environment variables:

  YINGSHANG_USER_TOKENS  JSON object: role -> bearer token (citizen, enterprise, ...)
  YINGSHANG_AGENCY_KEY   an agency API key holding every scope the operations name
"""

import json
import os

import schemathesis

_TOKENS = json.loads(os.environ.get("YINGSHANG_USER_TOKENS", "{}"))
_AGENCY_KEY = os.environ.get("YINGSHANG_AGENCY_KEY", "")
_CREDENTIALS = {"authorization", "x-api-key"}


@schemathesis.hook
def before_call(context, case, **kwargs):
    caller = case.operation.definition.raw.get("x-yingshang-caller", {})
    kind = caller.get("kind", "public")
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in _CREDENTIALS}
    if kind in ("agency", "user_or_agency") and _AGENCY_KEY:
        headers["Authorization"] = "Bearer " + _AGENCY_KEY
    elif kind == "user":
        for role in caller.get("roles", []):
            if role in _TOKENS:
                headers["Authorization"] = "Bearer " + _TOKENS[role]
                break
    case.headers = headers
