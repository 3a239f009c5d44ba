"""Pingback 1.0 on the wire: XML-RPC ``pingback.ping(source, target)`` calls and answers.

Incoming XML is parsed with ``defusedxml`` and refused outright when it declares a DTD: an XML-RPC
call never needs one, and a DTD is how entity-expansion bombs ("billion laughs") and external
entities (XXE) get in. The caller caps the body size *before* parsing. We read only the two string
parameters the method takes, instead of handing the body to ``xmlrpc.server`` (whose parser is
expat without those guards).
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

METHOD = "pingback.ping"
CONTENT_TYPE = "text/xml; charset=utf-8"


class MalformedCall(ValueError):
    """The body is not an XML-RPC call we can read; the message is safe to return as a fault."""


def parse_call(body: bytes) -> tuple[str, list[Any]]:
    """(method name, parameters) of an XML-RPC ``methodCall``; only string/int values are read."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as error:
        raise MalformedCall(f"the request is not well-formed XML-RPC ({type(error).__name__})") from None
    if root.tag != "methodCall":
        raise MalformedCall("the request is not an XML-RPC methodCall")
    name = (root.findtext("methodName") or "").strip()
    if not name:
        raise MalformedCall("the XML-RPC call names no method")
    params = [_value(param.find("value")) for param in root.findall("params/param")]
    return name, params


def _value(node: Any) -> Any:
    if node is None:
        raise MalformedCall("an XML-RPC parameter has no value")
    typed = list(node)
    if not typed:  # a bare <value>text</value> is a string
        return node.text or ""
    kind, text = typed[0].tag, typed[0].text or ""
    if kind == "string":
        return text
    if kind in ("int", "i4"):
        try:
            return int(text)
        except ValueError:
            raise MalformedCall("an XML-RPC int parameter is not a number") from None
    raise MalformedCall(f"unsupported XML-RPC parameter type <{kind}>")


def fault(code: int, message: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True,
                               encoding="utf-8").encode("utf-8")


def success(message: str) -> bytes:
    return xmlrpc.client.dumps((message,), methodresponse=True, encoding="utf-8").encode("utf-8")


def request_body(source: str, target: str) -> bytes:
    """The XML-RPC call we send as a pingback client."""
    return xmlrpc.client.dumps((source, target), METHOD, encoding="utf-8").encode("utf-8")


def parse_response(body: bytes) -> tuple[bool, int, str]:
    """(ok, fault code, message) of a ``methodResponse`` from another site's pingback server."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError):
        return False, -1, "the pingback server's answer is not XML-RPC"
    fault_node = root.find("fault/value/struct")
    if fault_node is not None:
        members = {m.findtext("name"): _value(m.find("value")) for m in fault_node.findall("member")}
        try:
            code = int(members.get("faultCode", 0))
        except (TypeError, ValueError):
            code = 0
        return False, code, str(members.get("faultString", ""))
    param = root.find("params/param/value")
    if param is None:
        return False, -1, "the pingback server's answer has no result"
    try:
        return True, 0, str(_value(param))
    except MalformedCall:
        return True, 0, ""
