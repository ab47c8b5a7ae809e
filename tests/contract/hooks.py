"""Schemathesis hooks for Yingshang's contract tests (loaded through SCHEMATHESIS_HOOKS).

Each operation's document says who may call it (`x-yingshang-caller`, written from the
same description the route table carries). Before each call this hook replaces whatever
credential was generated with a valid one for that kind of caller, so that the fuzzer
reaches the handlers instead of stopping at 401. The credentials come from the test
that starts the gateway, in environment variables:

  YINGSHANG_USER_TOKENS     JSON object: role -> bearer token (citizen, enterprise, ...)
  YINGSHANG_AGENCY_KEY      an agency API key holding every scope the operations name
  YINGSHANG_DEVICES         JSON object: device id -> HMAC secret (signed device requests)
  YINGSHANG_CHANNEL_SECRET  the payment channel's secret (signed confirmations)

Device and channel signatures cover the exact body bytes, so the hook serialises the
generated body itself (as requests would) and sends those bytes.
"""

import hashlib
import hmac
import json
import os
import time
import urllib.parse
import uuid

import schemathesis
from schemathesis.core import NotSet

_TOKENS = json.loads(os.environ.get("YINGSHANG_USER_TOKENS", "{}"))
_AGENCY_KEY = os.environ.get("YINGSHANG_AGENCY_KEY", "")
_DEVICES = json.loads(os.environ.get("YINGSHANG_DEVICES", "{}"))
_CHANNEL_SECRET = os.environ.get("YINGSHANG_CHANNEL_SECRET", "")
_CREDENTIALS = {
    "authorization",
    "x-api-key",
    "x-device-id",
    "x-timestamp",
    "x-nonce",
    "x-signature",
    "x-channel-signature",
}


def _body_bytes(case):
    """The bytes the request will carry, fixed now so that a signature covers them."""
    body = case.body
    if isinstance(body, NotSet):
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str) and not (case.media_type or "").endswith("json"):
        data = body.encode("utf-8")
    else:
        data = json.dumps(body).encode("utf-8")
    case.body = data
    return data


def _path_and_query(case):
    path = case.formatted_path
    query = {k: v for k, v in (case.query or {}).items() if v is not None}
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    return path


def _device_headers(case):
    if not _DEVICES:
        return {}
    # The device that owns the resource in the path when there is one (a meter posts
    # only for itself); any known device otherwise.
    values = {str(v) for v in (case.path_parameters or {}).values()}
    device = next((d for d in _DEVICES if d in values), next(iter(_DEVICES)))
    body = _body_bytes(case)
    timestamp = str(int(time.time()))
    nonce = uuid.uuid4().hex
    canonical = "\n".join(
        [
            case.method.upper(),
            _path_and_query(case),
            timestamp,
            nonce,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    signature = hmac.new(_DEVICES[device].encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return {
        "x-device-id": device,
        "x-timestamp": timestamp,
        "x-nonce": nonce,
        "x-signature": signature,
    }


def _channel_headers(case):
    if not _CHANNEL_SECRET:
        return {}
    body = _body_bytes(case)
    return {"x-channel-signature": hmac.new(_CHANNEL_SECRET.encode(), body, hashlib.sha256).hexdigest()}


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
    elif kind == "device":
        headers.update(_device_headers(case))
    elif kind == "channel":
        headers.update(_channel_headers(case))
    case.headers = headers
