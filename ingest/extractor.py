"""The rule-and-lexicon extractor: mentions, a second pass for known names, relations, resolution."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ingest.article_relations import name_affiliations, name_locations
from ingest.calibration import apply_calibration
from ingest.components import ExtractorConfig, build_recognizers
from ingest.divisions import assign_adcodes
from ingest.mentions import LATIN_GLOSS, Mention, firms_of_bodies
from ingest.model import Article, Entity, Evidence, Extraction, Partnership, Relation
from ingest.punctuation import fullwidth_view
from ingest.relations import Context, entity_key, sentence_facts
from ingest.resolve import resolve_article, short_forms
from ingest.user_lexicon import Lexicon
from ontology import ONTOLOGY

_STRIP = str.maketrans("", "", "“”\"《》「」‘’")
_KNOWN_TYPES = ("Organization", "Community", "Initiative")


def _embedded_confidence(m: Mention, mentions: list[Mention]) -> float:
    """A place inside a body's name (谢家湾街道 of 谢家湾街道党工委) is named; a city prefix (北京 of 北京大学) is not."""
    host = next((h for h in mentions if m.within(h) and not h.embedded), None)
    if host is not None and host.type == "Organization" and (m.type in ("Community", "Organization") or m.kind in ("district", "subdistrict")):
        return 0.5  # and a firm inside its party branch's name (甲乙科技有限公司党支部)
    return 0.35


class RuleExtractor:
    """Extracts entities, relations and partnerships from a cleaned Article."""

    def __init__(self, config: ExtractorConfig | None = None, lexicon: Lexicon | None = None):
        config = config or ExtractorConfig()
        self.lexicon = lexicon if lexicon is not None and len(lexicon) else None  # a user lexicon (ingest/user_lexicon.py)
        if self.lexicon is not None:  # the user's patterns run last, over what the built-in recognizers found
            recognizers = config.recognizers if "patterns" in config.recognizers else (*config.recognizers, "patterns")
            config = replace(config, recognizers=recognizers, options={**config.options, "lexicon": self.lexicon})
        self.config = config
        self.recognizers = build_recognizers(self.config)
        self.name = "govkg-" + "+".join(r for r in self.config.recognizers if r != "patterns")
        if self.lexicon is not None:
            self.name += "+" + self.lexicon.name  # provenance names the lexicon

    def __reduce__(self):
        """Pickled as its configuration, so each worker process builds its own identical extractor."""
        return (type(self), (self.config, self.lexicon))

    def extract(self, article: Article) -> Extraction:
        """Run every stage on one article and return its resolved Extraction."""
        views = [fullwidth_view(s.text) for s in article.sentences]
        per_sentence: list[list[Mention]] = [[] for _ in views]
        for _, recognize in self.recognizers:
            per_sentence = recognize(views, per_sentence)
        for mentions in per_sentence:
            firms_of_bodies(mentions)
        self._add_known_names(views, per_sentence)
        entities: dict[str, Entity] = {}
        relations: list[Relation] = []
        partnerships: list[Partnership] = []
        self._drop_street_stems(per_sentence)
        ctx = Context(article_topic=self._article_topic(per_sentence))
        for sentence, view, mentions in zip(article.sentences, views, per_sentence):
            if sentence.paragraph != ctx.paragraph:
                ctx.paragraph = sentence.paragraph
                ctx.topic = None
            evidence = Evidence(article.id, sentence.index, sentence.start, sentence.end, sentence.text)
            for m in mentions:
                if not m.generic:
                    self._add_entity(entities, m, view, evidence, mentions)
            facts, partners = sentence_facts(view, mentions, ctx)
            for f in facts:
                if f.subject in entities and f.object in entities and self._allowed(f.predicate, entities, f):
                    relations.append(Relation(f.subject, f.predicate, f.object, f.confidence, evidence, f.props))
            for p in partners:
                if all(k in entities for k in p.parties):
                    partnerships.append(Partnership(p.kind, tuple(p.parties), p.confidence, evidence, p.date))
        self._name_by_usage(entities)
        assign_adcodes(entities, relations)  # before resolution: 高新区 resolved to 成都高新区 merges with it
        entities, relations, partnerships = resolve_article(entities, relations, partnerships)
        relations += self._name_relations(article, entities, relations)
        extraction = Extraction(article, entities, relations, partnerships)
        # Calibration, the last step: raw rule confidences -> precision observed on gold (ingest/calibration.py).
        return apply_calibration(extraction, self.config.recognizers) if self.config.calibrated else extraction

    @staticmethod
    def _name_relations(article: Article, entities: dict[str, Entity], relations: list[Relation]) -> list[Relation]:
        """Relations read from names, cited by the named entity's first sentence: AFFILIATED_WITH
        (谢家湾街道党工委 → 谢家湾街道) and LOCATED_IN (旭日苑小区党群服务站 → 旭日苑)."""
        stated = {(r.subject, r.predicate, r.object) for r in relations}
        found = [(b, "AFFILIATED_WITH", h, c) for b, h, c in name_affiliations(entities)]
        found += [(i, "LOCATED_IN", p, c) for i, p, c in name_locations(entities)]
        out = []
        for subject, predicate, obj, conf in found:
            if (subject, predicate, obj) in stated or not entities[subject].mentions:
                continue
            s = article.sentences[entities[subject].mentions[0].sentence_index]
            out.append(Relation(subject, predicate, obj, conf, Evidence(article.id, s.index, s.start, s.end, s.text)))
        return out

    @staticmethod
    def _allowed(predicate: str, entities: dict[str, Entity], f) -> bool:
        spec = ONTOLOGY.relations[predicate]
        return entities[f.subject].type in spec.sources and entities[f.object].type in spec.targets

    @staticmethod
    def _add_entity(entities: dict[str, Entity], m: Mention, text: str, evidence: Evidence, mentions: list[Mention]) -> None:
        key = entity_key(m)
        surface = text[m.start : m.end].translate(_STRIP)
        conf = m.confidence if not m.embedded else min(m.confidence, _embedded_confidence(m, mentions))
        e = entities.get(key)
        if e is None:
            e = entities[key] = Entity(key, m.name, m.type, m.kind, set(), conf)
            e.kind_votes = Counter()  # type: ignore[attr-defined]
        else:
            e.confidence = min(0.95, max(e.confidence, conf) + 0.05)
        if m.kind:
            e.kind_votes[m.kind] += 1  # type: ignore[attr-defined]
            e.kind = e.kind_votes.most_common(1)[0][0]  # type: ignore[attr-defined]
        if surface != m.name and LATIN_GLOSS.search(surface) and not LATIN_GLOSS.search(m.name):
            surface = m.name  # “YAM”（you and me）国际志愿服务队: the gloss in brackets is no part of any form of the name
        e.aliases.add(surface or m.name)
        if m.type == "Initiative":
            for p in mentions:
                if p.embedded and p.type == "Community" and p.start == m.start and len(m.name) - len(p.name) >= 3:
                    e.aliases.add(m.name[len(p.name) :])
        e.mentions.append(Evidence(evidence.article_id, evidence.sentence_index, evidence.start + m.start, evidence.start + m.end, evidence.sentence))

    @staticmethod
    def _drop_street_stems(per_sentence: list[list[Mention]]) -> None:
        """石羊社区发展治理 where 石羊 is the street: not a community of that name."""
        stems = {m.name[:-2] for ms in per_sentence for m in ms if m.type == "Area" and m.kind == "subdistrict" and m.name.endswith("街道")}
        for ms in per_sentence:
            for m in ms:
                if m.type == "Community" and m.name.endswith("社区") and m.name[:-2] in stems and m.source == "suffix":
                    m.generic = True

    @staticmethod
    def _article_topic(per_sentence: list[list[Mention]]) -> str | None:
        """The actor an article is mostly about (its most mentioned named street or community)."""
        counts = Counter(entity_key(m) for ms in per_sentence for m in ms
                         if not m.generic and not m.embedded and m.type in ("Area", "Community") and m.kind in ("subdistrict", "community"))
        if not counts:
            return None
        (top, n), *rest = counts.most_common(2) + [(None, 0)]
        return top if n >= 3 and n >= 2 * rest[0][1] else None

    @staticmethod
    def _name_by_usage(entities: dict[str, Entity]) -> None:
        """Name each entity by the fullest form the article uses (成都市 over 成都; 重庆 stays 重庆)."""
        for e in entities.values():
            used = {a for a in e.aliases if a}
            if e.type != "Area":
                used.add(e.name)
            elif e.name not in used and used:
                e.aliases.add(e.name)  # the lexicon's canonical form becomes an alias
            e.name = max(used or {e.name}, key=lambda n: (len(n), n))

    @staticmethod
    def _add_known_names(views: list[str], per_sentence: list[list[Mention]]) -> None:
        """Find later uses of names (and their short forms) already found with a suffix or quote."""
        known: dict[str, Mention] = {}
        for mentions in per_sentence:
            for m in mentions:
                if m.generic or m.embedded or m.type not in _KNOWN_TYPES:
                    continue
                for form in (m.name, *short_forms(m.name, m.type)):
                    if len(form) >= 3:
                        known.setdefault(form, m)
        if not known:
            return
        pattern = re.compile("|".join(map(re.escape, sorted(known, key=len, reverse=True))))
        for view, mentions in zip(views, per_sentence):
            added = False
            for hit in pattern.finditer(view):
                if any(m.start < hit.end() and hit.start() < m.end for m in mentions if not m.generic):
                    continue
                src = known[hit.group()]
                mentions.append(Mention(hit.start(), hit.end(), src.name, src.type, src.kind, 0.6, "known"))
                added = True
            if added:
                mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
