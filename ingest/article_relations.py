"""Relations read from the names of an article's entities rather than from one clause.

A body named after another entity is that entity's body: 谢家湾街道党工委 → 谢家湾街道,
宝兴社区微基金 → 宝兴社区, 重庆华润置地发展有限公司党支部 → 重庆华润置地发展有限公司,
龙泉茶馆 → 龙泉社区 (the community's short form). Use:
``name_affiliations(entities)`` → [(organization key, host key, confidence)].

An initiative named after a place takes place there: 旭日苑小区党群服务站 → 旭日苑,
新城区第四党员政治生活馆 → 新城区. Use ``name_locations(entities)`` → [(initiative key, place key, confidence)].
"""

from __future__ import annotations

from ingest.model import Entity

# Host kinds a body can be named after; a city or province prefix (重庆建设医院) is an address, not a host.
_HOST_KINDS = frozenset({"district", "subdistrict", "community", "compound"})
_PLACE_SUFFIXES = ("社区", "街道", "村", "镇", "乡", "小区")
# Bodies that carry a place's or an organization's name as their own: party, government, self-governance, funds, teams.
_BODY_KINDS = frozenset({"party", "government", "self_governance", "foundation", "social_org"})
_CONFIDENCE = 0.6
_LEVEL = {"compound": 1, "community": 2, "subdistrict": 3, "district": 4}


def _forms(host: Entity) -> list[str]:
    """The names a body may open with: the host's name and aliases, and a place's name without its suffix."""
    forms = {host.name, *host.aliases}
    if host.type in ("Area", "Community"):
        for f in list(forms):
            for suffix in _PLACE_SUFFIXES:
                if f.endswith(suffix) and len(f) - len(suffix) >= 2:
                    forms.add(f[: -len(suffix)])
    return [f for f in forms if len(f) >= 2]


def _is_host(e: Entity, body: Entity) -> bool:
    if e.key == body.key:
        return False
    if e.type == "Organization":
        return body.kind in ("party", "self_governance")
    if body.kind == "social_org" and e.type == "Area":
        return False  # 谢家湾商会: an association named after a street or district is a regional one, not the area's body
    return e.type in ("Area", "Community") and e.kind in _HOST_KINDS


def name_affiliations(entities: dict[str, Entity]) -> list[tuple[str, str, float]]:
    """(body, host, confidence) for every Organization whose name opens with a host entity's name."""
    hosts = [e for e in entities.values() if e.type in ("Area", "Community", "Organization")]
    cities = sorted((f for e in entities.values() if e.type == "Area" and e.kind in ("city", "province") for f in (e.name, *e.aliases)),
                    key=len, reverse=True)
    out = []
    for body in entities.values():
        if body.type != "Organization" or body.kind not in _BODY_KINDS:
            continue
        names = {body.name, *body.aliases}
        names |= {n[len(c) :] for n in list(names) for c in cities if n.startswith(c) and len(n) > len(c)}  # 上海盈浦… → 盈浦…
        best: tuple[int, int, str] | None = None
        for host in hosts:
            if not _is_host(host, body):
                continue
            rank = _LEVEL.get(host.kind or "", 0)  # 龙泉茶馆 with 龙泉社区 and 龙泉小区: the longer form, then the larger place
            for form in _forms(host):
                if any(n.startswith(form) and len(n) - len(form) >= 2 for n in names) and (best is None or (len(form), rank) > best[:2]):
                    best = (len(form), rank, host.key)
        if best is not None:
            out.append((body.key, best[2], _CONFIDENCE))
    return out


# Places an initiative's name can open with (a city or province prefix names a city-wide programme, not a site),
# and the initiative kinds that are documents or labels rather than things taking place somewhere.
_SITE_KINDS = frozenset({"district", "subdistrict", "community", "compound"})
_PLACELESS_KINDS = frozenset({"plan", "agreement", "brand"})
_LOCATION_CONFIDENCE = 0.6


def name_locations(entities: dict[str, Entity]) -> list[tuple[str, str, float]]:
    """(initiative, place, confidence) for every Initiative whose name opens with a named place below the city.

    Only the place's own name or an alias counts (not its stem: 龙泉 of 龙泉社区 opens many names), the
    rest of the name must be at least 2 characters, and the longest place form wins (…社区 over …街道).
    """
    places = [e for e in entities.values() if e.type in ("Area", "Community") and e.kind in _SITE_KINDS]
    out = []
    for ini in entities.values():
        if ini.type != "Initiative" or ini.kind in _PLACELESS_KINDS or "关于" in ini.name:
            continue  # 某区关于…的意见: a document issued by the place
        names = {ini.name, *ini.aliases}
        best: tuple[int, str] | None = None
        for place in places:
            for form in {place.name, *place.aliases}:
                if len(form) >= 2 and any(n.startswith(form) and len(n) - len(form) >= 2 for n in names):
                    if best is None or len(form) > best[0]:
                        best = (len(form), place.key)
        if best is not None:
            out.append((ini.key, best[1], _LOCATION_CONFIDENCE))
    return out
