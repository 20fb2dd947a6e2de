"""Relation rules over the mentions of one sentence, with the article context that resolves
generic actors (“社区”“该街道”) to the named entity they refer back to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest import lexicon as lx
from ingest.mentions import Mention
from ingest.rule_data import DATA, fail, read_table


def _relation_cues() -> dict[str, tuple[str, ...]]:
    """The cue words of ingest/data/relation_cues.tsv by role (title, instrument, topic_head)."""
    path = DATA / "relation_cues.tsv"
    cues: dict[str, list[str]] = {"title": [], "instrument": [], "topic_head": [], "backing": [], "helping": [], "following": []}
    for number, (cue, role) in read_table(path, 2):
        if role not in cues:
            raise fail(path, number, f"unknown role {role!r} (expected {' or '.join(cues)})")
        cues[role].append(cue)
    return {role: tuple(words) for role, words in cues.items()}


RELATION_CUES = _relation_cues()
_TITLE_AFTER = re.compile("^(?:常务副|副)?(?:" + "|".join(map(re.escape, RELATION_CUES["title"])) + ")")
_INSTRUMENT = re.compile("(?:" + "|".join(map(re.escape, RELATION_CUES["instrument"])) + ")(?:了|于)?[“《]?$")
_BACKED_BY = re.compile(r"在([^，。；！？]{2,40}?)的(?:" + "|".join(map(re.escape, sorted(RELATION_CUES["backing"], key=len, reverse=True))) + ")下")
_HELPING = re.compile("(?:" + "|".join(map(re.escape, sorted(RELATION_CUES["helping"], key=len, reverse=True))) + ")")
_FOLLOWING = re.compile("(?:" + "|".join(map(re.escape, sorted(RELATION_CUES["following"], key=len, reverse=True))) + ")")
_OWNER_GAP = re.compile(r"^(?:的)?[\u4e00-\u9fff]{0,6}?(?:的)?[“《]?$")  # 某街道|咸东小哥|“X”, 某街道|的|“X”

LEVEL = {"province": 5, "city": 4, "district": 3, "subdistrict": 2, "community": 1, "compound": 0}
ACTOR_TYPES = ("Area", "Community", "Organization")
_HOST_KINDS = ("district", "subdistrict", "community", "compound")
_COUNTED = re.compile(r"^[0-9一二三四五六七八九十百两]+(?:个|家|名|支|所)")
_CLAUSE_SPLIT = re.compile(r"[，；：,;—]+")
_DATE = re.compile(r"((?:19|20)[0-9]{2})年(?:([0-9]{1,2})月(?:([0-9]{1,2})日)?)?")
_GENERIC_ACTOR = {
    "街道": ("Area", "subdistrict"), "该街道": ("Area", "subdistrict"), "街道党工委": ("Area", "subdistrict"),
    "社区": ("Community", "community"), "该社区": ("Community", "community"), "本社区": ("Community", "community"),
    "社区党委": ("Community", "community"), "社区党组织": ("Community", "community"),
    "小区": ("Community", "compound"), "该小区": ("Community", "compound"),
}
# 该镇, 本村, 这个小区…: a demonstrative and a level word refer back to the nearest named place of that level.
# 这个曾经的“三无小区”, 这个昔日的贫困村: a past-time modifier and a quoted or plain description may stand between.
_DEMONSTRATIVE = re.compile(r"(?:该|本|这个|此|(?:这个|这座|这片|这一)(?:曾经|昔日|过去|以前|原来|往日|从前|当年|曾)的“?(?:[\u4e00-\u9fff]{1,5}?”?))"
                            r"(街道|镇|乡|村|社区|小区|院落|县|区|市)(?![域内级间委])”?")
_LEVEL_WORD = {"街道": ("Area", "subdistrict"), "镇": ("Area", "subdistrict"), "乡": ("Area", "subdistrict"),
               "村": ("Community", "community"), "社区": ("Community", "community"),
               "小区": ("Community", "compound"), "院落": ("Community", "compound"),
               "县": ("Area", "district"), "区": ("Area", "district"), "市": ("Area", "city")}


def _generic_target(name: str) -> tuple[str, str] | None:
    """(type, kind) of the place a generic actor word stands for, if it is one."""
    if name in _GENERIC_ACTOR:
        return _GENERIC_ACTOR[name]
    m = _DEMONSTRATIVE.fullmatch(name)
    return _LEVEL_WORD[m.group(1)] if m else None


def _with_demonstratives(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions plus a generic one for each demonstrative place word no mention covers (该镇, 本村)."""
    extra, covered = [], []
    for d in _DEMONSTRATIVE.finditer(sentence):
        inside = [m for m in mentions if m.start < d.end() and d.start() < m.end]
        if any(not m.generic or not (d.start() <= m.start and m.end <= d.end()) for m in inside):
            continue  # part of a name, or of a longer generic phrase
        covered += inside  # a bare 镇 of 该镇: the demonstrative stands for it
        node_type, kind = _LEVEL_WORD[d.group(1)]
        extra.append(Mention(d.start(), d.end(), d.group(), node_type, kind, 0.5, "demonstrative", generic=True))
    if not extra:
        return mentions
    return sorted([m for m in mentions if not any(m is c for c in covered)] + extra, key=lambda m: (m.start, -(m.end - m.start)))


@dataclass
class Fact:
    """A relation between two mentions' entity keys, before evidence is attached."""

    subject: str
    predicate: str
    object: str
    confidence: float
    props: dict = field(default_factory=dict)


@dataclass
class PartnerFact:
    """Parties (entity keys) of one co-building link found in a sentence."""

    kind: str
    parties: list[str]
    confidence: float
    date: str | None


def entity_key(m: Mention) -> str:
    """In-article key of a mention's entity before resolution: type and name."""
    return f"{m.type}:{m.name}"


@dataclass
class Context:
    """What the article said so far: the last named actor of each level, and the paragraph topic."""

    last: dict[str, str] = field(default_factory=dict)
    last_paragraph: dict[str, int] = field(default_factory=dict)
    paragraph: int = -1
    topic: str | None = None
    article_topic: str | None = None
    section: str | None = None  # the place or body a heading line (a paragraph that is only its name) introduced
    sentences: int = 0  # sentences read so far
    counted_award: tuple[str, int, Mention | None] | None = None  # (award, sentence number, the place counting) of 天津13个典型入选X
    resident_bodies: tuple[list[str], int] = ([], -1)  # (keys, paragraph) of the bodies a 辖区企业A、B list named last

    def note(self, m: Mention) -> None:
        """Remember a named actor mention."""
        if m.generic:
            return
        if m.type in ("Area", "Community") and m.kind and not m.embedded:
            self.last[m.kind] = entity_key(m)
            self.last_paragraph[m.kind] = self.paragraph
        elif m.type == "Organization":
            self.last["org"] = entity_key(m)

    def resolve(self, m: Mention) -> str | None:
        """The named entity a generic actor (街道, 该社区…) refers back to, if any."""
        target = _generic_target(m.name)
        if target is None:
            return None
        node_type, kind = target
        key = self.last.get(kind)
        if key is not None and self.last_paragraph.get(kind) == self.paragraph:
            return key  # the nearest one named in this paragraph
        for topic in (self.topic, self.section, self.article_topic):  # else what the paragraph, section or article is about, if it fits
            if topic and topic.startswith(node_type + ":") and (kind != "subdistrict" or topic.endswith(("街道", "镇", "乡", "街"))):
                return topic
        return key


@dataclass
class _Actor:
    key: str
    start: int
    end: int
    mention: Mention


def sentence_facts(sentence: str, mentions: list[Mention], ctx: Context) -> tuple[list[Fact], list[PartnerFact]]:
    """All facts one sentence states, given the mentions found in it and the article context."""
    facts: list[Fact] = []
    partners: list[PartnerFact] = []
    ctx.sentences += 1
    mentions = _with_demonstratives(sentence, mentions)
    heading = _heading(sentence, mentions)
    if heading is not None:
        ctx.section = heading
    actors = _actors(sentence, mentions, ctx)
    clauses = _clauses(sentence)
    facts += _part_of(sentence, mentions)
    subjects = _clause_subjects(sentence, clauses, actors, ctx)
    facts += _affiliations(sentence, mentions, actors, clauses, subjects)
    facts += _own_level_bodies(mentions, ctx)
    topic = None
    plural = any(m.generic and _PLURAL_BEFORE.search(sentence[max(0, m.start - 3) : m.start]) for m in mentions)
    if not any(subjects) and not plural:  # 各社区打造了…: many places act, not the one talked about
        key = ctx.topic or ctx.section or ctx.article_topic
        if key and key.startswith("Area:") and key not in ctx.last.values():
            key = None
        if key:
            topic = _Actor(key, -1, -1, Mention(-1, -1, key.split(":", 1)[1], key.split(":", 1)[0], None, 0.5, "topic"))
    facts += _initiative_facts(sentence, mentions, actors, clauses, subjects, topic)
    facts += _backing(sentence, mentions, actors, facts)
    facts += _awards(sentence, mentions, actors, clauses, subjects, ctx)
    facts += _memberships(sentence, mentions, actors)
    facts += _residents(sentence, mentions, actors, ctx)
    facts += _group_support(sentence, mentions, clauses, ctx)
    p_facts, p_partners = _partnerships(sentence, mentions, actors, clauses, subjects, ctx)
    facts += p_facts
    partners += p_partners
    for m in mentions:
        ctx.note(m)
    first_subject = next((s for s in subjects if s), None)
    if first_subject and (first_subject.mention.kind in ("subdistrict", "community", "compound") or first_subject.mention.type == "Organization"):
        ctx.topic = first_subject.key
    return facts, partners


def _heading(sentence: str, mentions: list[Mention]) -> str | None:
    """The key of the place or body a heading line names (东海街龙江里社区: only an address chain), else None."""
    text = sentence.strip().rstrip("。")
    named = [m for m in mentions if not m.generic and not m.embedded and m.type in ("Area", "Community", "Organization")]
    if not named or len(text) > 30:
        return None
    offset = len(sentence) - len(sentence.lstrip())
    pos = offset
    for m in named:
        if m.start != pos:
            return None
        pos = m.end
    return entity_key(named[-1]) if pos == offset + len(text) else None


def _actors(sentence: str, mentions: list[Mention], ctx: Context) -> list[_Actor]:
    out = []
    for m in mentions:
        if m.embedded or m.type not in ACTOR_TYPES:
            continue
        if m.generic and sentence.startswith(RELATION_CUES["topic_head"], m.end):
            continue  # 社区发展治理, 社区服务: the word names a field of work, not the place acting
        if m.generic and _PLURAL_BEFORE.search(sentence[max(0, m.start - 3) : m.start]):
            continue  # 各社区, 多个小区: many places, none of them the one named before
        if m.generic:
            key = _named_before(m, mentions) or ctx.resolve(m)  # 在府城社区，该社区…: the one just named
            if key:
                out.append(_Actor(key, m.start, m.end, m))
        else:
            out.append(_Actor(entity_key(m), m.start, m.end, m))
    return out


def _named_before(m: Mention, mentions: list[Mention]) -> str | None:
    """The nearest named place of the kind a generic actor (该社区, 街道) stands for, earlier in the same sentence."""
    target = _generic_target(m.name)
    if target is None:
        return None
    before = [p for p in mentions if p.end <= m.start and not p.generic and not p.embedded and (p.type, p.kind) == target]
    return entity_key(before[-1]) if before else None


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(sentence)))
    return [s for s in spans if s[1] > s[0]]


def _clause_of(pos: int, clauses: list[tuple[int, int]]) -> int:
    for i, (s, e) in enumerate(clauses):
        if s <= pos < e or (pos == e and i == len(clauses) - 1):
            return i
    return len(clauses) - 1


def _clause_subjects(sentence: str, clauses, actors: list[_Actor], ctx: Context) -> list[_Actor | None]:
    """The actor each clause is about: an actor opening the clause, else the previous clause's."""
    subjects: list[_Actor | None] = []
    current: _Actor | None = None
    for s, e in clauses:
        text = sentence[s:e]
        opener = lx.ADVERBIAL_OPENERS.match(text)
        lead = s + (opener.end() if opener else 0)
        lead = _past_speech(sentence, lead, e)
        if sentence[lead:lead + 1] == "在":
            lead += 1
        if sentence[lead:lead + 1] == "以" and _LEAD_ROLE.search(text):  # 以(龙头企业)A为龙头，联合B…: A leads what follows
            first = next((a for a in actors if s <= a.start and a.end <= e and a.mention.type in ACTOR_TYPES), None)
            if first is not None:
                lead = first.start
        if sentence[s - 1 : s] == "—":  # 建立…共同体——“同心社”: an appositive names what came before, it opens no clause
            subjects.append(current)
            continue
        topic_phrase = _closing_group(sentence, s, e, lead, actors) if not subjects else None
        if topic_phrase is not None:  # 由…组成的A、B，也是…，去年获得…: the phrase that opens the sentence is its topic
            subjects.append(topic_phrase)
            current = topic_phrase
            continue
        for a in actors:
            if a.start == lead + 1 and sentence[lead] in "与同和跟":
                break  # 与社区共建…: a co-agent, the subject stays the one before
            if lead <= a.start <= lead + 1 and a.mention.type in ACTOR_TYPES:
                # 成华区保和街道迎晖社区: the last link of an address chain is the subject
                chain = a
                for b in actors:
                    if b.start == chain.end:
                        chain = b
                # X党支部书记王某介绍：… the body only names a person's post: no actor here, nor in the speech after
                current = None if _TITLE_AFTER.match(sentence[chain.end : e]) else chain
                break
        subjects.append(current)
    return subjects


def _closing_group(sentence: str, start: int, end: int, lead: int, actors: list[_Actor]) -> _Actor | None:
    """The last actor of a list that closes a sentence's first clause after a modifier ending in 的
    (成立于2015年的A基金会，是…; 由…组成的A、B，…), when no actor opens the clause; else None."""
    inside = [a for a in actors if start <= a.start and a.end <= end and not a.mention.generic]
    if not inside or inside[-1].end != end or any(lead <= a.start <= lead + 1 for a in actors):
        return None
    group = _coordinated(sentence, inside)
    return inside[-1] if sentence[group[0].start - 1 : group[0].start] == "的" else None


def _past_speech(sentence: str, lead: int, end: int) -> int:
    """Where a clause's own words begin after quoted speech that opens it (“这里可以加一点休闲椅……”社区通过…):
    past a ” that closes a quote opened in an earlier clause, or past a quote that holds a sentence, not a name."""
    close = sentence.find("”", lead, end)
    if close < 0:
        return lead
    opening = sentence.find("“", lead, close)
    if opening < 0 and "“" in sentence[:lead]:
        return close + 1  # the speech began in an earlier clause
    if opening == lead and (re.search(r"[，。！？…,!?]", sentence[lead:close]) or close - lead > 16):
        return close + 1
    return lead


def _part_of(sentence: str, mentions: list[Mention]) -> list[Fact]:
    places = [m for m in mentions if m.type in ("Area", "Community") and not m.generic and (m.kind or "") in LEVEL]
    facts = []
    for a, b in zip(places, places[1:]):
        # 某社区的某小区, 某街道的某社区: 的 between a place and one of the level right below it states the containment
        level_a, level_b = LEVEL[a.kind or ""], LEVEL[b.kind or ""]
        possessed = sentence[a.end : b.start] == "的" and level_a - level_b == 1 and a.kind in ("subdistrict", "community")
        if (a.end == b.start and level_a > level_b) or possessed:
            facts.append(Fact(entity_key(b), "PART_OF", entity_key(a), 0.85 if not possessed else 0.7))
            # coordinated: 保和街道迎晖社区、和欣社区 → 和欣社区 PART_OF 保和街道 too
            idx = places.index(b)
            prev_end = b.end
            for c in places[idx + 1 :]:
                if sentence[prev_end:c.start] == "、" and c.kind == b.kind:
                    facts.append(Fact(entity_key(c), "PART_OF", entity_key(a), 0.75))
                    prev_end = c.end
                else:
                    break
    return facts


_OWN_LEVEL = {"区": "district", "县": "district", "市": "city"}


def _own_level_bodies(mentions: list[Mention], ctx: Context) -> list[Fact]:
    """区社会建设领导小组, 县委社会工作部…: a government or party body named by a bare level word and its remit
    is the body of the place of that level the article is about: the nearest one named before it (in this
    sentence, else earlier in the paragraph)."""
    facts = []
    for m in mentions:
        if m.type != "Organization" or m.generic or m.embedded or m.kind not in ("government", "party"):
            continue
        kind = _OWN_LEVEL.get(m.name[:1])
        if kind is None or m.name[1:2] in ("委", "级") or len(m.name) < 5 or m.name.startswith(("市场", "区域", "县城", "市民")):
            continue
        place = next((p for p in reversed(mentions) if p.end <= m.start and p.type == "Area" and p.kind == kind and not p.generic and not p.embedded), None)
        key = entity_key(place) if place is not None else (ctx.last.get(kind) if ctx.last_paragraph.get(kind) == ctx.paragraph else None)
        if key is not None:
            facts.append(Fact(entity_key(m), "AFFILIATED_WITH", key, 0.55))
    return facts


def _affiliations(sentence, mentions, actors, clauses, subjects=None) -> list[Fact]:
    facts = []
    places = [m for m in mentions if m.embedded and m.type in ("Area", "Community")]
    for m in mentions:
        if m.type != "Organization" or m.generic or m.embedded:
            continue
        if m.kind in ("government", "party", "self_governance"):  # 谢家湾街道党工委: the body of the place it opens with
            inner = [p for p in places if p.start == m.start and p.end <= m.end and p.kind in _HOST_KINDS]
            if inner:
                facts.append(Fact(entity_key(m), "AFFILIATED_WITH", entity_key(inner[-1]), 0.75))
        run_start = _list_start(sentence, m, mentions)
        before = sentence[max(0, run_start - 6) : run_start]
        dash = sentence.rfind("——", 0, run_start)
        if dash >= 0 and sentence[dash + 2 : run_start].strip("“") == "":  # 建立…共同体——“同心社”: what the dash names
            before = sentence[max(0, dash - 20) : dash]
        if m.kind in ("party", "self_governance", "foundation", "social_org") and any(v in before for v in lx.FOUND_VERBS):
            founder = [a for a in actors if a.end <= run_start and a.key != entity_key(m)]
            if founder:
                group = _coordinated(sentence, founder)
                subject = subjects[_clause_of(m.start, clauses)] if subjects else None
                if subject is not None and subject.key != entity_key(m) and _JOINED_BY.search(sentence[max(0, group[0].start - 4) : group[0].start]):
                    founder = [_behind_lead(sentence, subject, clauses, subjects)]  # 该镇联合A村、B村等9个村，成立X: the one uniting them founds it
                facts.append(Fact(entity_key(m), "AFFILIATED_WITH", founder[-1].key, 0.6))
    return facts


def _behind_lead(sentence: str, subject: _Actor, clauses, subjects) -> _Actor:
    """The actor behind a lead: for 该镇…，以A为龙头，联合B村…，成立X, the town of the clause before (A leads the
    joint work, the town founds X); else the subject itself."""
    ci = _clause_of(subject.start, clauses)
    cs, ce = clauses[ci]
    opener = lx.ADVERBIAL_OPENERS.match(sentence[cs:ce])
    lead = cs + (opener.end() if opener else 0)
    if ci == 0 or sentence[lead : lead + 1] != "以" or not _LEAD_ROLE.search(sentence[cs:ce]):
        return subject
    earlier = subjects[ci - 1]
    return earlier if earlier is not None and earlier.key != subject.key and earlier.mention.type in ("Area", "Community") else subject


def _list_start(sentence: str, m: Mention, mentions: list[Mention]) -> int:
    """Where the list of bodies m closes begins: 培育了A协会、B协会, for B协会, starts at A协会 (quoted runs too)."""
    start = _quoted_run_start(sentence, m, mentions)
    while sentence[start - 1 : start] in ("、", "和", "及"):
        prev = next((p for p in mentions if p.end == start - 1 and p.type == "Organization" and not p.embedded and not p.generic), None)
        if prev is None:
            break
        start = _quoted_run_start(sentence, prev, mentions)
    return start


def _quoted_run_start(sentence: str, m: Mention, mentions: list[Mention]) -> int:
    """Where the run of quoted names m closes begins: 创建的“甲联盟”“乙联盟”, for 乙联盟, starts at 甲联盟."""
    start = m.start
    while True:
        prev = next((p for p in mentions if not p.embedded and p.end <= start and sentence[p.end : start].strip("“”、") == ""
                     and "”" in sentence[p.end : start + 1]), None)
        if prev is None:
            return start
        start = prev.start


def _initiative_facts(sentence, mentions, actors, clauses, subjects, topic=None) -> list[Fact]:
    facts = []
    for m in mentions:
        if m.type != "Initiative" or m.generic or m.embedded:
            continue
        key = entity_key(m)
        place = _place_of(sentence, m, mentions)
        if place is not None:
            facts.append(Fact(key, "LOCATED_IN", entity_key(place[0]), place[1]))
        ci = _clause_of(m.start, clauses)
        cs = clauses[ci][0]
        before = sentence[cs : m.start]
        local = [a for a in actors if cs <= a.start and a.end <= m.start and a.mention.type in ACTOR_TYPES and not _chain_prefix(a, actors)]
        credits = _credits(sentence, m, actors)
        if credits:  # 金水社区主办、海尔集团承办、红星社区协办的“邻里节”: each actor in its role
            facts += [Fact(a.key, predicate, key, 0.65) for a, predicate in credits]
            continue
        maker = _maker_after(sentence, m, actors, clauses[ci][1])
        if maker is not None:
            facts.append(Fact(maker.key, "RUNS", key, 0.65))
            continue
        supporter = _support_actor(before, local, cs) or _supports_after(sentence, m, local, clauses[ci][1])
        if supporter is not None:
            facts.append(Fact(supporter.key, "SUPPORTS", key, 0.6))
            continue
        followed, owner = _followed_owner(sentence, m, mentions, actors, cs)
        if followed:  # 社区按照某街道“X”模式…: the one whose model is followed runs it, not the follower
            if owner is not None:
                facts.append(Fact(owner.key, "RUNS", key, 0.6))
            continue
        runner = None
        conf = 0.0
        at = _actor_at_place(sentence, local)
        if at is not None and _has_run_verb(sentence[at[1].end : m.start]):
            # 鲁商集团在东西门村投资打造的“故乡的云”: the actor before 在 runs it, the place hosts it
            facts.append(Fact(at[0].key, "RUNS", key, 0.65))
            if place is None and at[1].mention.type in ("Community", "Area"):
                facts.append(Fact(key, "LOCATED_IN", at[1].key, 0.6))
            continue
        if local and _has_run_verb(sentence[local[-1].end : m.start]):
            located = place[0] if place else None
            candidates = [a for a in local if located is None or a.key != entity_key(located)]
            if candidates:
                first = candidates[0]  # 东西门村的嬗变是泰安市实施…: a possessive opening the clause does not act
                opens = _opens_clause(sentence, first, cs) and sentence[first.end : first.end + 1] != "的"
                runner, conf = first if opens else candidates[-1], 0.7
        if runner is None and _is_venue(sentence, m, mentions, cs):
            continue  # 在兴隆湖畔、海昌极地海洋公园举行…: where something happens, nobody's initiative here
        if runner is None and subjects[ci] is not None and (m.kind == "work_method" or not _INSTRUMENT.search(before)):
            runner, conf = subjects[ci], 0.6  # 依托/通过“X平台”开展…: a means the subject uses, not its own (a method it applies is)
        if runner is None and topic is not None and (_has_run_verb(before) or _disposed(sentence, m, cs, clauses[ci][1])):
            runner, conf = topic, 0.5
        if runner is None:
            continue
        if m.kind == "agreement":
            continue  # signed agreements are run by every signer (see partnerships)
        if place is not None and runner.key == entity_key(place[0]) and conf < 0.7:
            continue
        facts.append(Fact(runner.key, "RUNS", key, conf))
    return facts


def _followed_owner(sentence: str, m: Mention, mentions: list[Mention], actors: list[_Actor], clause_start: int) -> tuple[bool, _Actor | None]:
    """(followed, owner) for a body or place named between a verb of following (按照, 紧扣, 遵循…) and the
    initiative right after it (按照某街道“X”模式, 紧扣某区的“X”体系): the initiative is that one's, not the
    clause subject's; owner is its actor when it is named (None for a generic 街道办事处)."""
    verbs = list(_FOLLOWING.finditer(sentence, clause_start, m.start))
    if not verbs:
        return False, None
    before = [x for x in mentions if x.type in ACTOR_TYPES and not x.embedded and verbs[-1].end() <= x.start and x.end <= m.start]
    if not before:
        return False, None
    holder = before[-1]
    if not _OWNER_GAP.match(sentence[holder.end : m.start]):
        return False, None
    between = sentence[verbs[-1].end() : holder.start]
    if between not in ("", "了", "着") and not between.endswith(("和", "、", "及", "与")):
        return False, None  # 紧扣A“X”体系和B“Y”模式: the owner may open a later item of what is followed
    return True, next((a for a in actors if (a.start, a.end) == (holder.start, holder.end)), None)


def _backing(sentence: str, mentions: list[Mention], actors: list[_Actor], facts: list[Fact]) -> list[Fact]:
    """SUPPORTS from what backers gave an initiative someone else builds in the sentence:
    在X（、Y）的支持下，A建成“B” (X, Y support B) and X出资…，帮助A建设“B” (X supports B)."""
    runs = {(f.subject, f.object) for f in facts if f.predicate == "RUNS"}
    built = [m for m in mentions if m.type == "Initiative" and not m.generic and not m.embedded
             and any(o == entity_key(m) for _, o in runs)]
    out: list[Fact] = []
    for hit in _BACKED_BY.finditer(sentence):
        backers = [a for a in actors if hit.start(1) <= a.start and a.end <= hit.end(1) and not _chain_prefix(a, actors)]
        for m in built:
            if m.start > hit.end():
                out += [Fact(a.key, "SUPPORTS", entity_key(m), 0.6) for a in backers if (a.key, entity_key(m)) not in runs]
    for clause in re.finditer(r"[，,]", sentence):
        helped = _HELPING.match(sentence, clause.end())
        if helped is None:
            continue
        giver = next((a for a in actors if a.start < clause.start() and a.mention.type == "Organization" and not _chain_prefix(a, actors)
                      and _opens_clause(sentence, a, sentence.rfind("，", 0, a.start) + 1)), None)
        end = sentence.find("，", helped.end())
        end = len(sentence) if end < 0 else end
        for m in built:
            if giver is not None and helped.end() < m.start < end and (giver.key, entity_key(m)) not in runs:
                out.append(Fact(giver.key, "SUPPORTS", entity_key(m), 0.6))
    return out


def _credits(sentence: str, m: Mention, actors: list[_Actor]) -> list[tuple[_Actor, str]]:
    """(actor, RUNS or SUPPORTS) for a credit list right before an initiative: A主办，B、C承办，D协办的X.

    Read backwards from the initiative: each group of coordinated actors takes the role verb written
    after it; only when at least two groups take a role (one is the ordinary clause rule)."""
    before = [a for a in actors if a.end <= m.start and not _chain_prefix(a, actors)]
    out: list[tuple[_Actor, str]] = []
    edge, groups = m.start, 0
    tail = r"的[“《]?$"
    while before:
        group = _coordinated(sentence, before)
        role = re.match(r"^(?:共同|联合)?(主办|承办|举办|主导|牵头|发起|协办|支持|赞助|冠名|参与)" + tail, sentence[group[-1].end : edge])
        if not role:
            break
        predicate = "SUPPORTS" if role.group(1) in ("协办", "支持", "赞助", "冠名", "参与") else "RUNS"
        out += [(a, predicate) for a in group]
        groups += 1
        edge, tail = group[0].start, "[、，,]$"
        before = [a for a in before if a.end <= edge]
    return out if groups >= 2 else []


def _is_venue(sentence: str, m: Mention, mentions: list[Mention], clause_start: int) -> bool:
    """True when the initiative is one of the places listed right after 在 (在A、B举行): a venue."""
    at = sentence.rfind("在", clause_start, m.start)
    if at < 0:
        return False
    gap = list(sentence[at + 1 : m.start])
    for other in mentions:
        if at < other.start and other.end <= m.start:
            gap[other.start - at - 1 : other.end - at - 1] = [""] * (other.end - other.start)
    rest = "".join(gap)  # what is left between 在 and the initiative: other venues' names, unrecognized ones (兴隆湖畔、)
    return len(rest) <= 10 and (rest == "" or rest.endswith(("、", "和", "及", "与", "“"))) and not _has_run_verb(rest) \
        and sentence[m.end : m.end + 1] != "的"


_IS_BY = re.compile(r"^”?(?:是|系|为|则是|就是)?(?:由)?$")
_MAKER_VERB = re.compile(r"^[^，。；]{0,12}?(?:" + "|".join(lx.RUN_VERBS + lx.FOUND_VERBS) + r"|主导|牵头|发起)(?:的|了|并)?")


def _maker_after(sentence: str, m: Mention, actors: list[_Actor], clause_end: int) -> _Actor | None:
    """“X”是A于2021年创立的品牌, X由A牵头打造: the actor written after 是/由 that made the initiative."""
    for a in actors:
        if a.start < m.end or a.start >= clause_end or _chain_prefix(a, actors):
            continue
        gap = sentence[m.end : a.start]
        if gap and _IS_BY.match(gap) and _MAKER_VERB.match(sentence[a.end : clause_end]):
            return a
        break  # only the first actor after the initiative
    return None


def _actor_at_place(sentence: str, local: list[_Actor]) -> tuple[_Actor, _Actor] | None:
    """(actor, place) for 'actor 在 place …' among the actors before an initiative: an organization, or a
    place acting in a smaller place."""
    for a, b in zip(local, local[1:]):
        if sentence[a.end : b.start] != "在" or b.mention.type not in ("Community", "Area"):
            continue
        if a.mention.type == "Organization" or LEVEL.get(b.mention.kind or "", 9) < LEVEL.get(a.mention.kind or "", -1):
            return a, b  # 南山社区在恒大名都打造的…: a place acting in a smaller one
    return None


def _opens_clause(sentence: str, actor: _Actor, clause_start: int) -> bool:
    text = sentence[clause_start : actor.start]
    opener = lx.ADVERBIAL_OPENERS.match(text)
    rest = text[opener.end():] if opener else text
    return rest in ("", "在")


_DISPOSAL = re.compile(r"^(?:对|将|把)")


def _disposed(sentence: str, m: Mention, clause_start: int, clause_end: int) -> bool:
    """将A、B等提档升级 / 把A打造成…: the initiatives come before the verb that builds them (a 将/把 clause)."""
    text = sentence[clause_start : m.start]
    opener = lx.ADVERBIAL_OPENERS.match(text)
    if not _DISPOSAL.match(text[opener.end():] if opener else text):
        return False
    return _has_run_verb(sentence[m.end : clause_end]) or any(v in sentence[m.end : clause_end] for v in ("改造", "提升", "提档"))


def _has_run_verb(text: str) -> bool:
    return any(v in text for v in lx.RUN_VERBS if len(v) > 1) or bool(re.search("[建用办]", text))


def _support_actor(before: str, local: list[_Actor], clause_start: int) -> _Actor | None:
    for v in lx.SUPPORT_VERBS:
        pos = before.rfind(v)
        if pos >= 0:
            cands = [a for a in local if a.end <= clause_start + pos and a.mention.type == "Organization"]
            if cands:
                return cands[-1]
    return None


def _supports_after(sentence: str, m: Mention, local: list[_Actor], clause_end: int) -> _Actor | None:
    """X为“Y”提供…支持: an organization that provides for an initiative supports it."""
    if not local or local[-1].mention.type != "Organization":
        return None
    if sentence[max(0, m.start - 2) : m.start].rstrip("“") not in ("为", "给", "向") and not sentence[local[-1].end : m.start].startswith(("为", "给", "向")):
        return None
    after = sentence[m.end : clause_end]
    return local[-1] if any(v in after for v in ("提供", "支持", "资助", "赞助", "捐赠", "助力")) else None


def _place_of(sentence: str, m: Mention, mentions: list[Mention]) -> tuple[Mention, float] | None:
    """Where an initiative is: a place its name starts with, or a place written just before it."""
    for p in mentions:
        if p.type == "Community" and p.embedded and p.start == m.start and not p.generic:
            return p, 0.75
    for p in mentions:
        if p.type == "Community" and not p.generic and not p.embedded and 0 <= m.start - p.end <= 3:
            gap = sentence[p.end : m.start].strip("“")
            if gap in ("", "居民", "的"):
                return p, 0.6
        if p.type == "Community" and not p.generic and sentence[max(0, p.start - 1) : p.start] == "在" and p.end < m.start:
            between = sentence[p.end : m.start]
            if len(between) <= 8 and _has_run_verb(between) and "，" not in between:
                return p, 0.65
    return None


def _awards(sentence, mentions, actors, clauses, subjects, ctx: Context | None = None) -> list[Fact]:
    facts = []
    year = lx.YEAR_RE.search(sentence)
    props = {"year": int(year.group(1))} if year else {}
    holders_all = [m for m in mentions if not m.embedded and m.type in ("Area", "Community", "Organization", "Initiative") and not m.generic]
    for m in mentions:
        if m.type != "Award":
            continue
        ci = _clause_of(m.start, clauses)
        cs = clauses[ci][0]
        verb = re.search("|".join(lx.AWARD_VERBS), sentence[cs : m.start])
        if not verb:
            named = _named_before_clause(sentence, cs, holders_all) if _IS_ALSO.match(sentence[cs : m.start]) else None
            if named is not None:  # …打造的“故乡的云”，也是省级样板项目: what closes the clause before holds the title
                facts.append(Fact(entity_key(named), "AWARDED", entity_key(m), 0.55, dict(props)))
            continue
        verb_pos = cs + verb.start()
        conferred = _conferred_on(sentence, verb, cs, m, holders_all)
        if conferred:  # 市北区授予金水社区“…”称号: the one after the verb receives it, the one before confers it
            facts += [Fact(entity_key(h), "AWARDED", entity_key(m), 0.65, dict(props)) for h in _coordinated(sentence, conferred)]
            continue
        holders = [h for h in holders_all if cs <= h.start and h.end <= verb_pos
                   and sentence[h.start - 1 : h.start] != "被"  # 被民政部认定为: the conferrer
                   and not (h.type == "Area" and _COUNTED.match(sentence[h.end : verb_pos]))]  # 天津13个典型入选: a place counting its winners
        resolved = [a for a in actors if a.mention.generic and cs <= a.start and a.end <= verb_pos]
        if holders:
            for h in _coordinated(sentence, holders):
                facts.append(Fact(entity_key(h), "AWARDED", entity_key(m), 0.7, dict(props)))
        elif resolved:
            facts.append(Fact(resolved[-1].key, "AWARDED", entity_key(m), 0.55, dict(props)))
        elif subjects[ci] is not None and verb.start() <= 2 and not re.search(r"[0-9一二三四五六七八九十两]个", sentence[cs:verb_pos]):
            subject = subjects[ci]  # 甲社区、乙社区积极创新，荣获…: each of a coordinated subject
            named_before = [a for a in actors if a.end <= subject.end and not a.mention.generic]
            group = _coordinated(sentence, named_before) if subject.start >= 0 and not subject.mention.generic else [subject]
            facts += [Fact(a.key, "AWARDED", entity_key(m), 0.5, dict(props)) for a in group]
        if ctx is not None and _COUNT_OF.search(sentence[cs:verb_pos]):  # 天津13个典型入选X: those listed after 其中 received X
            counting = next((h for h in holders_all if cs <= h.start and h.type == "Area" and _COUNTED.match(sentence[h.end : verb_pos])), None)
            ctx.counted_award = (entity_key(m), ctx.sentences, counting)
    if ctx is not None and ctx.counted_award is not None:
        facts += _among_them(sentence, holders_all, ctx, props)
    return facts


_COUNT_OF = re.compile(r"[0-9一二三四五六七八九十百两]+(?:个|家|名|支|所|位)")
_AMONG = re.compile(r"(?:^|[，。；,;])\s*其中(?:包括|有)?[，,：:]?\s*")


def _among_them(sentence: str, holders: list[Mention], ctx: Context, props: dict) -> list[Fact]:
    """其中，A、B、C…: each item listed after 其中 received the award a counted group received just before
    (天津13个典型入选X。其中，A社区、B社区…), in this sentence or the one before; the place that counted them
    contains the place each item's address opens with (河西区 of 河西区东海街龙江里社区 PART_OF 天津)."""
    if ctx.counted_award is None:
        return []
    award, said_in, counting = ctx.counted_award
    if ctx.sentences - said_in > 1:
        ctx.counted_award = None
        return []
    among = _AMONG.search(sentence)
    if among is None:
        return []
    items: list[Mention] = []
    tops: list[Mention] = []
    edge = among.end()
    top = None
    for h in holders:
        if h.start < edge:
            continue
        if any(o.start == h.end and o.type in ("Area", "Community") for o in holders) and h.type in ("Area", "Community"):
            if h.start == edge:
                top = top or h
                edge = h.end  # a place locating the next one (和平区|新兴街|朝阳里社区)
            continue
        if h.start != edge:
            break
        items.append(h)
        tops.append(top or h)
        top = None
        if sentence[h.end : h.end + 1] not in ("、", "和", "及", "与"):
            break
        edge = h.end + 1
    ctx.counted_award = None
    facts = [Fact(entity_key(h), "AWARDED", award, 0.55, dict(props)) for h in items]
    if counting is not None:
        facts += [Fact(entity_key(t), "PART_OF", entity_key(counting), 0.55) for t in tops
                  if t.type == "Area" and LEVEL.get(t.kind or "", 9) < LEVEL.get(counting.kind or "", -1)]
    return facts


_IS_ALSO = re.compile(r"^(?:也|还|更|又|同时)?(?:是|为)“?$")


def _named_before_clause(sentence: str, clause_start: int, holders: list[Mention]) -> Mention | None:
    """The named entity that closes the clause before clause_start (…“故乡的云”，), if one does."""
    end = len(sentence[:clause_start].rstrip("，,；; "))
    end = end - 1 if sentence[end - 1 : end] == "”" else end
    return next((h for h in holders if h.end == end), None) if clause_start > 0 else None


_CONFER_VERBS = ("授予", "颁发给", "颁给", "授牌给")


def _conferred_on(sentence: str, verb: re.Match, clause_start: int, award: Mention, holders: list[Mention]) -> list[Mention]:
    """The receivers of an active conferring verb (A授予B…称号), named between the verb and the award; [] otherwise."""
    end = clause_start + verb.end()
    if verb.group() not in _CONFER_VERBS or sentence[clause_start + verb.start() - 1 : clause_start + verb.start()] == "被":
        return []
    return [h for h in holders if end <= h.start and h.end <= award.start]


def _partnerships(sentence, mentions, actors, clauses, subjects, ctx: Context | None = None) -> tuple[list[Fact], list[PartnerFact]]:
    facts: list[Fact] = []
    partners: list[PartnerFact] = []
    date_m = _DATE.search(sentence)
    date = None
    if date_m:
        date = "-".join(x.zfill(2) if i else x for i, x in enumerate(date_m.groups()) if x)
    named = [a for a in actors if not a.mention.embedded and not _chain_prefix(a, actors) and not _in_brackets(sentence, a)
             and not (a.mention.type == "Area" and a.mention.kind in ("province", "city"))]
    for trig in lx.PARTNER_RE.finditer(sentence):
        if _inside_mention(trig.start(), mentions):
            continue
        word = trig.group()
        kind = lx.PARTNER_TRIGGERS[word]
        split = None
        ci = _clause_of(trig.start(), clauses)
        cs, ce = clauses[ci]
        if word in ("签署", "签订", "签约"):
            left = [a for a in named if a.end <= trig.start()]
            right = [a for a in named if trig.end() <= a.start < ce and a.mention.type == "Organization"]
        else:
            left = [a for a in named if cs <= a.start and a.end <= trig.start()]
            right = [a for a in named if trig.end() <= a.start < ce]
            right = [a for a in right if not _MADE_BY.search(sentence[trig.end() : _quoted_run_start(sentence, a.mention, mentions)])]
            if word in lx.DIRECTED_TRIGGERS:  # 引导培育了A协会: a body the actor founds or incubates, not one it brings in
                right = [a for a in right if not any(v in sentence[trig.end() : a.start] for v in lx.FOUND_VERBS)]
            if word in lx.DIRECTED_TRIGGERS and right:  # 引入A打造了B: B is what A makes, not one more party brought in
                right = [a for a in right if not _has_run_verb(sentence[right[0].end : a.start])]  # 引导社区创建的“X联盟”: made, not brought in
            given = _giver_before(sentence, left, trig.start())
            if given is not None:  # 得到盈浦基金会扶持的…: the giver is named after 得到, the receivers open the sentence
                left, right = [given], _coordinated(sentence, [a for a in named if a.end <= given.start - 2]) if given.start >= 2 else []
            else:
                marked = [a for a in left if sentence[a.start - 1 : a.start] in _OBJECT_MARKERS]
                if marked and word in lx.DIRECTED_TRIGGERS:  # 基金会对艺术团进行资金扶持: the one after 对 receives
                    right = marked + right
                    left = [a for a in left if a.end <= marked[0].start and a not in marked]
                if not left and subjects[ci] is not None:
                    left = [subjects[ci]]
                split = _with_split(sentence, left) if word not in lx.DIRECTED_TRIGGERS else None
                if split is not None:  # A与辖区内的B、C建立共建关系: B and C each partner with A
                    left, right = split[0], split[1] + [a for a in right if a not in split[1]]
                elif left:
                    left = _coordinated(sentence, left)
                if left and subjects[ci] is not None and subjects[ci].key not in {a.key for a in left} \
                        and _WITH_OPENER.match(sentence[cs : left[0].start]):
                    left = [subjects[ci]] + left  # A开展义诊，与B共建…: the clause's subject partners with B
                if left and not right and _JOINING_IN.search(sentence[left[-1].end : trig.start()]):
                    topic = ctx.topic or ctx.article_topic if ctx is not None else None  # 辖区企业A、B参与到社企共建中来
                    if topic and topic.split(":", 1)[0] in ("Community", "Area") and topic not in {a.key for a in left}:
                        right = [_Actor(topic, -1, -1, Mention(-1, -1, topic.split(":", 1)[1], topic.split(":", 1)[0], None, 0.5, "topic"))]
            if not left:
                continue  # 联合B、C: whoever brings them together is not named here, and B and C are not each other's partners
        if word in ("签署", "签订", "签约"):
            split = _with_split(sentence, left)
            if split is not None:  # A与B、C签订…: B and C each partner with A, not with each other
                left, right = split[0], split[1] + [a for a in right if a not in split[1]]
        parties = []
        for a in left + right:
            if a.key not in parties:
                parties.append(a.key)
        if len(parties) < 2:
            continue
        conf = 0.75 if word in ("签署", "签订", "签约", "结对", "携手") else 0.65
        date_props = {"date": date} if date else {}
        if word in lx.DIRECTED_TRIGGERS:  # 该镇引导社区建立…: a place guiding a smaller one administers it, no partnership
            right = [b for b in right if not any(_governs(a, b) for a in left)]
            if not right:
                continue
        if left and right and (word in lx.DIRECTED_TRIGGERS or len(right) > 1 or right[0].start < 0 or split is not None):
            pairs = [(a.key, b.key) for a in left for b in right if a.key != b.key]
            for a, b in pairs:
                partners.append(PartnerFact(kind, [a, b], conf, date))
        else:
            pairs = [(a, b) for i, a in enumerate(parties) for b in parties[i + 1 :]]
            partners.append(PartnerFact(kind, parties, conf, date))
        for a, b in pairs:
            facts.append(Fact(a, "COOPERATES_WITH", b, conf, {"kind": kind, **date_props}))
        if word in ("签署", "签订", "签约"):
            for m in mentions:
                if m.type == "Initiative" and m.kind == "agreement" and m.start >= trig.start():
                    for p in parties:
                        facts.append(Fact(p, "RUNS", entity_key(m), 0.7))
        if kind in _JOINT_KINDS:  # A联合B成立“Y”, A与B共建Y: every party builds it
            for m in _jointly_run(sentence, mentions, trig.end(), ce, right):
                for p in parties:
                    facts.append(Fact(p, "RUNS", entity_key(m), 0.6))
        if kind == "引入":
            brought = [a for a in right if a.mention.type == "Organization"]
            upto = next((t.start() for t in lx.PARTNER_RE.finditer(sentence, trig.end())), len(sentence))  # 引入A打造X，引入B打造Y
            for m in mentions:
                if m.type == "Initiative" and not m.generic and not m.embedded and trig.end() < m.start < upto and brought:
                    facts.append(Fact(brought[0].key, "SUPPORTS", entity_key(m), 0.6))
    return facts, partners


_PLURAL_BEFORE = re.compile(r"(?:各|各个|每个|所有|全部|多个|部分|[0-9一二三四五六七八九十两]+个)$")
_JOINED_BY = re.compile(r"(?:联合|携手|牵手)$")  # not 引导/动员: A引导B成立X, B founds it
_WITH_OPENER = re.compile(r"^(?:还|并|也|同时|积极|主动)?(?:与|同|和|跟)$")
_JOINT_KINDS = ("联合", "携手", "共建", "联建")


_WITH_GAP = re.compile(r"^(?:与|同|跟)[^，。；、]{0,6}$")  # 与, 与辖区内的


def _with_split(sentence: str, left: list[_Actor]) -> tuple[list[_Actor], list[_Actor]] | None:
    """(A, [B, C]) for A与B、C (or A与辖区内的B、C) before a mutual trigger: the ones after 与 are A's partners,
    a list joined by 、/和/及 on each side; None when no 与 splits the actors."""
    for k in range(1, len(left)):
        if _WITH_GAP.match(sentence[left[k - 1].end : left[k].start]):
            head, withs = left[:k], left[k:]
            joined = all(sentence[a.end : b.start] in ("、", "和", "及", "以及") for a, b in zip(withs, withs[1:]))
            head_joined = all(sentence[a.end : b.start] in ("、", "和", "及") for a, b in zip(head, head[1:]))
            return (head, withs) if joined and head_joined else None
    return None


def _jointly_run(sentence: str, mentions: list[Mention], trigger_end: int, clause_end: int, right: list[_Actor]) -> list[Mention]:
    """Initiatives a joint action builds: in the trigger's clause, after its last party, with a run verb
    between (联合B成立“Y”) or right after the trigger (共建“Y”); never an agreement (see signing)."""
    start = max([trigger_end] + [a.end for a in right if a.start >= trigger_end])
    out = []
    for m in mentions:
        if m.type != "Initiative" or m.generic or m.embedded or m.kind == "agreement" or not start <= m.start < clause_end:
            continue
        gap = sentence[start : m.start]
        if (gap.strip("了“") == "" and start == trigger_end) or (_has_run_verb(gap) and len(gap) <= 12 and not _RUN_BLOCKER.search(gap)):
            out.append(m)
    return out


_MADE_BY = re.compile("(?:" + "|".join(lx.FOUND_VERBS + lx.RUN_VERBS) + ")了?的[“”、]*$")
_RUN_BLOCKER = re.compile(r"[在于对为向给]")
_LIST_GAP = re.compile(r"^(?:[（(][^）)，。]{0,20}[）)])?[、和及与]$")  # …有限公司（Ole’超市）、工商银行…
_MEMBERS_AFTER = re.compile(r"^”?(?:的)?(?:成员单位|成员|单位)?(?:有|包括|为|是)")
_JOIN_BEFORE = re.compile(r"(?:加入|参与|参加|加盟|入驻)(?:了|到|进)?“?$")
_JOIN_AFTER = re.compile(r"^(?:等[^，。；]{0,8}?)?(?:积极|主动|先后|相继|纷纷)?(?:加入|参与|参加|加盟)(?:了|到|进)?(?:[^，。；]{0,4}的)?“?$")
_RESIDENTS = re.compile(r"(?:辖区|驻地|驻区|区域内|周边)(?:企业|单位|机构|学校|商家)(?:主要)?(?:有|包括)?$")
_LOCATED_AT = re.compile(r"(?:位于|地处|坐落于|坐落在|同在|地址在)$")


def _memberships(sentence: str, mentions: list[Mention], actors: list[_Actor]) -> list[Fact]:
    """Members of an initiative support it: 加入“X”的有A、B…; A、B等单位加入X."""
    facts = []
    orgs = [a for a in actors if a.mention.type == "Organization" and not a.mention.embedded and not _in_brackets(sentence, a)]
    for m in mentions:
        if m.type != "Initiative" or m.generic or m.embedded:
            continue
        if _JOIN_BEFORE.search(sentence[max(0, m.start - 5) : m.start]) and _MEMBERS_AFTER.match(sentence[m.end : m.end + 8]):
            members = [a for a in orgs if a.start > m.end]
            facts += [Fact(a.key, "SUPPORTS", entity_key(m), 0.6) for a in _listed(sentence, members)]
        else:
            before = [a for a in orgs if a.end <= m.start]
            if before and _JOIN_AFTER.match(sentence[before[-1].end : m.start]):
                facts += [Fact(a.key, "SUPPORTS", entity_key(m), 0.6) for a in _coordinated(sentence, before)]
    return facts


def _listed(sentence: str, members: list[_Actor]) -> list[_Actor]:
    """The leading run of actors joined by 、/和/及 (a list that follows 有/包括)."""
    run = members[:1]
    for a in members[1:]:
        if _LIST_GAP.match(sentence[run[-1].end : a.start]) or _in_brackets(sentence, run[-1]):
            run.append(a)
        else:
            break
    return run


def _residents(sentence: str, mentions: list[Mention], actors: list[_Actor], ctx: Context) -> list[Fact]:
    """Where a body sits: 辖区企业A、B (the place talked about); 位于/同在X的Y (X)."""
    facts = []
    orgs = [a for a in actors if a.mention.type == "Organization" and not a.mention.embedded]
    place = ctx.topic or ctx.article_topic
    for i, a in enumerate(orgs):
        if _RESIDENTS.search(sentence[max(0, a.start - 8) : a.start]):
            listed = _listed(sentence, orgs[i:])
            ctx.resident_bodies = ([b.key for b in listed], ctx.paragraph)
            if place and place.split(":", 1)[0] in ("Community", "Area"):
                facts += [Fact(b.key, "LOCATED_IN", place, 0.55) for b in listed]
    places = [m for m in mentions if m.type in ("Area", "Community") and not m.generic and not m.embedded]
    for p in places:
        if not _LOCATED_AT.search(sentence[max(0, p.start - 3) : p.start]) or sentence[p.end : p.end + 1] != "的":
            continue
        for m in mentions:
            if m.start == p.end + 1 and m.type in ("Organization", "Initiative") and not m.generic:
                facts.append(Fact(entity_key(m), "LOCATED_IN", entity_key(p), 0.65))
    facts += _situated(sentence, mentions, places)
    return facts


_GROUP_OF_BODIES = re.compile(r"^(?:辖区|驻区|周边|这些|上述|该批)(?:爱心|共建)?(?:企业|商家|单位)(?:们)?")
_GIVEN_FOR = re.compile(r"^[^，。；]{0,8}?[为给向]“?$")


def _group_support(sentence: str, mentions: list[Mention], clauses, ctx: Context) -> list[Fact]:
    """辖区企业A、B…参与共建，辖区爱心企业为“X”捐助…: a clause opened by the group word supports X with each body
    the last 辖区企业 list of the paragraph named."""
    keys, paragraph = ctx.resident_bodies
    if not keys or paragraph != ctx.paragraph:
        return []
    facts = []
    for cs, ce in clauses:
        text = sentence[cs:ce]
        opener = lx.ADVERBIAL_OPENERS.match(text)
        group = _GROUP_OF_BODIES.match(text[opener.end() if opener else 0 :])
        if group is None:
            continue
        after_group = cs + (opener.end() if opener else 0) + group.end()
        for m in mentions:
            if m.type != "Initiative" or m.generic or m.embedded or not after_group <= m.start < ce:
                continue
            if _GIVEN_FOR.match(sentence[after_group : m.start]) and any(v in sentence[m.end : ce] for v in lx.SUPPORT_VERBS):
                facts += [Fact(k, "SUPPORTS", entity_key(m), 0.55) for k in keys]
    return facts


_SITUATED = re.compile(r"^”?(?:就|则|现|目前)?(?:位于|地处|坐落于|坐落在|设在|设于|落户于|落户在|落户)$")


def _situated(sentence: str, mentions: list[Mention], places: list[Mention]) -> list[Fact]:
    """X位于/地处/坐落在Y: a body or initiative sits in Y, a place is part of it (the last link of Y's address chain)."""
    facts = []
    for m in mentions:
        if m.generic or m.embedded or m.type not in ("Organization", "Initiative", "Area", "Community"):
            continue
        after = [p for p in places if p.start >= m.end and p is not m]
        if not after or not _SITUATED.match(sentence[m.end : after[0].start]):
            continue
        chain = after[0]
        for p in after[1:]:
            if p.start == chain.end:
                chain = p
        if m.type in ("Organization", "Initiative"):
            facts.append(Fact(entity_key(m), "LOCATED_IN", entity_key(chain), 0.65))
        elif LEVEL.get(m.kind or "", 9) < LEVEL.get(chain.kind or "", -1):
            facts.append(Fact(entity_key(m), "PART_OF", entity_key(chain), 0.7))
    return facts


def _in_brackets(sentence: str, a: _Actor) -> bool:
    """An actor written in brackets after another one is an alias of it: …党支部（即重庆万象城党支部）."""
    opening = max(sentence.rfind("（", 0, a.start), sentence.rfind("(", 0, a.start))
    closing = max(sentence.rfind("）", 0, a.start), sentence.rfind(")", 0, a.start))
    return opening > closing and a.start - opening <= 3


_OBJECT_MARKERS = ("对", "为", "向", "给")
_LEAD_ROLE = re.compile(r"为(?:龙头|主体|依托|核心|纽带|牵引|主导|引领)$")
_JOINING_IN = re.compile(r"(?:参与|加入|参加|融入)")
_RECEIVED = ("得到", "获得", "受到", "接受")


def _giver_before(sentence: str, left: list[_Actor], trigger_at: int) -> _Actor | None:
    """The actor named right after 得到/获得/受到 and before the trigger (得到X扶持), if any."""
    for a in reversed(left):
        if sentence[max(0, a.start - 2) : a.start] in _RECEIVED and a.end <= trigger_at:
            return a
    return None


def _governs(a: _Actor, b: _Actor) -> bool:
    """A place of a higher administrative level than another place (街道 over 社区)."""
    kinds = (a.mention.kind or "", b.mention.kind or "")
    return a.mention.type in ("Area", "Community") and b.mention.type in ("Area", "Community") \
        and all(k in LEVEL for k in kinds) and LEVEL[kinds[0]] > LEVEL[kinds[1]]


def _chain_prefix(a: _Actor, actors: list[_Actor]) -> bool:
    """成都天府新区华阳街道: 成都 and 天府新区 only locate 华阳街道; they are not parties."""
    return a.mention.type in ("Area", "Community") and any(b.start == a.end and b.mention.type in ("Area", "Community") for b in actors)


def _coordinated(sentence: str, left: list) -> list:
    """The trailing run of items (actors or mentions) joined by 、/和/与 just before a trigger;
    the places that only locate an item (和平区新兴街|朝阳里社区) are skipped, not joined."""
    group = [left[-1]]
    edge = left[-1].start  # where the current item, with its address chain, begins
    for a in reversed(left[:-1]):
        if a.end == edge and _mention_of(a).type in ("Area", "Community"):
            edge = a.start
        elif sentence[a.end : edge] in ("、", "和", "与", "及", "同"):
            group.insert(0, a)
            edge = a.start
        else:
            break
    return group


def _mention_of(item) -> Mention:
    return item.mention if isinstance(item, _Actor) else item


def _inside_mention(pos: int, mentions: list[Mention]) -> bool:
    return any(m.start <= pos < m.end for m in mentions if not m.generic)
