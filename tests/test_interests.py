"""Interests: the [interests] config, library files (BibTeX, Zotero CSV/BibTeX), relevance and its matches,
embeddings through the LLM replica (stored once), the lexical fallback, and the three sort orders."""

from __future__ import annotations

import pytest

from paperbrief.config import ConfigError, Interests, Settings, load_settings
from paperbrief.interests import LibraryError, bibtex_entries, load_library, read_library_file, zotero_csv_entries
from paperbrief.models import Innovation, LabeledText, ListedPaper, Report
from paperbrief.rank import (
    EXCLUDE_FACTOR,
    Candidate,
    Ranker,
    RankError,
    load_relevance,
    order,
    rank,
    same_author,
    save_relevance,
)
from paperbrief.store import Store

SPEC = Candidate("2602.00001", "Speculative Decoding with Draft Trees",
                 "We accelerate LLM inference with speculative decoding over draft trees.", ["Yuki Tanabe", "Ana Núñez"])
VIDEO = Candidate("2602.00002", "Autoregressive Video Generation with Long Context",
                  "A video diffusion model that generates minute-long videos autoregressively.", ["Henrik Dahlberg"])
ROBOT = Candidate("2602.00003", "Dexterous Manipulation from Demonstrations",
                  "Diffusion policies learn dexterous robot manipulation. We also release a benchmark.", ["Li Ming"])

LIBRARY_BIB = r"""
% a Zotero (Better BibTeX) export
@article{leviathan2023fast,
  title = {Fast Inference from Transformers via {Speculative} Decoding},
  author = {Leviathan, Yaniv and Kalman, Matan and Matias, Yossi},
  year = {2023},
  abstract = {Inference from large autoregressive models like Transformers is slow. We introduce speculative
              decoding, an algorithm to sample from autoregressive models faster by computing several tokens in parallel
              with a small draft model.},
  eprint = {2211.17192},
  archivePrefix = {arXiv},
  primaryClass = {cs.LG}
}

@misc{ho2022video,
  title = "Video Diffusion Models",
  author = "Ho, Jonathan and Salimans, Tim and Gritsenko, Alexey",
  abstract = "Generating temporally coherent high fidelity video is a milestone in generative modeling. We propose a "
             # "diffusion model for video generation.",
  url = {https://arxiv.org/abs/2204.03458v2},
}

@inproceedings{schr2020,
  title = {Sch{\"o}dinger's {\emph{Cat}} --- a {GPU} Story},
  author = {M{\"u}ller, J{\"o}rg},
  doi = {10.48550/arXiv.2001.00001},
}

@article{noid,
  title = {A Paper Without an arXiv Id},
  journal = {Nature},
}

@comment{ this is ignored @article{fake, title={not an entry}} }
@article{untitled, author = {Nobody}}
"""

ZOTERO_CSV = (
    '\ufeff"Key","Item Type","Publication Year","Author","Title","Publication Title","ISBN","ISSN","DOI","Url",'
    '"Abstract Note","Date","Extra"\n'
    '"ABCD1234","preprint","2023","Leviathan, Yaniv; Kalman, Matan","Fast Inference from Transformers via Speculative '
    'Decoding","","","","10.48550/arXiv.2211.17192","http://arxiv.org/abs/2211.17192","Inference from large '
    'autoregressive models, with speculative decoding.","2023","arXiv: 2211.17192"\n'
    '"EFGH5678","journalArticle","2022","Ho, Jonathan","Video Diffusion Models","","","","","",'
    '"A diffusion model for video generation, with ""quotes"", commas and\na line break.","2022",""\n'
    '"IJKL9012","journalArticle","2022","","","","","","","","no title: skipped","",""\n'
)


# --- config ------------------------------------------------------------------------------


def test_interests_from_toml_env_and_flags(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'sort = "relevance"\nembedding_model = "text-embedding-3-small"\n'
        '[interests]\nkeywords = ["speculative decoding", "投机解码"]\nauthors = ["Yuki Tanabe"]\n'
        'exclude = ["benchmark"]\npapers = ["lib/my.bib", "2211.17192", "/abs/zotero.csv"]\n', encoding="utf-8")
    s = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    assert s.interests.keywords == ["speculative decoding", "投机解码"]
    assert s.interests.authors == ["Yuki Tanabe"] and s.interests.exclude == ["benchmark"]
    # a relative library path is relative to the config file's folder; ids and absolute paths stay
    assert s.interests.papers == [str(tmp_path / "lib/my.bib"), "2211.17192", "/abs/zotero.csv"]
    assert s.sort == "relevance" and s.embedding_model == "text-embedding-3-small"
    # the environment replaces one list (comma-separated, full-width commas too) and keeps the others
    env = {"PAPERBRIEF_CONFIG": str(cfg), "PAPERBRIEF_INTEREST_KEYWORDS": "diffusion, 扩散模型，world model",
           "PAPERBRIEF_SORT": "upvotes"}
    s = load_settings(env=env)
    assert s.interests.keywords == ["diffusion", "扩散模型", "world model"]
    assert s.interests.authors == ["Yuki Tanabe"] and s.sort == "upvotes"
    # flags beat both
    s = load_settings({"interests.keywords": ["robots"], "sort": "listing"}, env=env)
    assert s.interests.keywords == ["robots"] and s.interests.exclude == ["benchmark"] and s.sort == "listing"
    assert s.interests.configured


def test_interest_config_errors_name_the_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[interests]\nkeywordz = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'interests\.keywordz'.*keywords, authors, exclude, papers"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    cfg.write_text('[interests]\nauthors = "just one"\nkeywords = [1, 2]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'interests\.keywords'.*config file"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    cfg.write_text('interests = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a table"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    cfg.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'sort'.*PAPERBRIEF_SORT"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "PAPERBRIEF_SORT": "random"})
    assert not load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)}).interests.configured


# --- library files -----------------------------------------------------------------------------


def test_bibtex_library_with_arxiv_ids_latex_and_comments():
    entries = bibtex_entries(LIBRARY_BIB, "lib.bib")
    assert [e.key for e in entries] == ["leviathan2023fast", "ho2022video", "schr2020", "noid"]
    spec, video, schr, noid = entries
    assert spec.title == "Fast Inference from Transformers via Speculative Decoding"
    assert spec.arxiv_id == "2211.17192" and spec.authors == ["Yaniv Leviathan", "Matan Kalman", "Yossi Matias"]
    assert spec.abstract.startswith("Inference from large autoregressive models") and "\n" not in spec.abstract
    assert video.arxiv_id == "2204.03458"  # from the URL, version dropped
    assert video.abstract.endswith("a diffusion model for video generation.")  # "#" concatenation
    assert schr.title == "Schödinger's Cat — a GPU Story" and schr.authors == ["Jörg Müller"]
    assert schr.arxiv_id == "2001.00001"  # from the arXiv DOI
    assert noid.arxiv_id is None and noid.label == "noid"


def test_zotero_csv_and_files_by_content(tmp_path):
    entries = zotero_csv_entries(ZOTERO_CSV, "z.csv")
    assert [e.key for e in entries] == ["ABCD1234", "EFGH5678"]
    assert entries[0].arxiv_id == "2211.17192" and entries[0].authors == ["Yaniv Leviathan", "Matan Kalman"]
    assert entries[1].abstract == 'A diffusion model for video generation, with "quotes", commas and a line break.'
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(ZOTERO_CSV, encoding="utf-8")
    bib_file = tmp_path / "library.bib"
    bib_file.write_text(LIBRARY_BIB, encoding="utf-8")
    assert len(read_library_file(csv_file)) == 2 and len(read_library_file(bib_file)) == 4
    with pytest.raises(LibraryError, match=r"does not exist"):
        read_library_file(tmp_path / "missing.bib")
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes", encoding="utf-8")
    with pytest.raises(LibraryError, match="neither BibTeX nor a Zotero CSV"):
        read_library_file(junk)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LibraryError, match="no 'Title' column"):
        read_library_file(bad_csv)
    # files and ids together; an id named twice is kept once; an unknown id is a warning
    known = {"2602.05293": "Fast-SAM3D"}
    from paperbrief.interests import LibraryEntry

    lib = load_library([str(bib_file), str(csv_file), "2602.05293", "arXiv:2211.17192v3", "2699.99999"],
                       lookup=lambda i: LibraryEntry(title=known[i]) if i in known else None)
    assert [e.label for e in lib.entries] == ["2211.17192", "2204.03458", "2001.00001", "noid", "EFGH5678",
                                              "2602.05293"]
    assert lib.warnings == ["interests.papers: no title or abstract known for 2699.99999 (not in the store); "
                            "they are left out of the similarity"]


# --- relevance ------------------------------------------------------------------------------------


def _report(text: str) -> Report:
    return Report(domain="自然语言处理", contribution=text, usage=[LabeledText(label="输入", text="文本")],
                  innovations=[Innovation(name="方法", detail="细节")], results=[LabeledText(label="结果", text="更快")])


def test_keywords_in_both_languages_say_where_they_matched():
    from paperbrief.rank import report_text

    spec = Candidate(**{**SPEC.__dict__, "report": report_text(_report("提出基于草稿树的投机解码方法，推理更快。"))})
    r = Ranker(Interests(keywords=["speculative decoding", "投机解码", "draft-tree", "LLMs", "video"]))
    rel = r.score(spec)
    got = {m.value: (m.where, m.weight) for m in rel.matched}
    assert got == {
        "speculative decoding": (["title", "abstract"], 0.6),
        "投机解码": (["report"], 0.35),  # the Chinese keyword matches the Chinese report
        "draft-tree": (["title", "abstract"], 0.6),  # hyphen = space, plural allowed
        "LLMs": (["abstract"], 0.45),
    }
    assert rel.score == round(1 - 0.4 * 0.65 * 0.4 * 0.55, 3)
    assert r.score(VIDEO).score == 0.6 and [m.value for m in r.score(VIDEO).matched] == ["video"]
    assert r.score(ROBOT).score == 0.0 and r.score(ROBOT).matched == []
    # a word is matched whole: "video" is not found in "videography", "LLM" not in "LLMOps"
    other = Candidate("x", "Videography for LLMOps", "")
    assert Ranker(Interests(keywords=["video", "LLM"])).score(other).matched == []


def test_authors_match_by_name_order_and_initial_and_exclude_pushes_down():
    assert same_author("Yuki Tanabe", "Tanabe, Yuki") and same_author("Y. Tanabe", "Yuki Tanabe")
    assert same_author("Ana Nunez", "Ana Núñez") and same_author("李明", "李 明")
    assert not same_author("Yuki Tanabe", "Yuko Tanaka") and not same_author("K. Tanabe", "Yuki Tanabe")
    r = Ranker(Interests(authors=["Y. Tanabe", "Li Ming"], exclude=["benchmark"]))
    spec = r.score(SPEC)
    assert spec.score == 0.6 and spec.matched[0].kind == "author" and spec.matched[0].ref == "Yuki Tanabe"
    robot = r.score(ROBOT)  # the author matches, then "benchmark" in the abstract pushes it down
    assert [(m.kind, m.value, m.where) for m in robot.matched] == [
        ("author", "Li Ming", ["authors"]), ("exclude", "benchmark", ["abstract"])]
    assert robot.score == round(0.6 * EXCLUDE_FACTOR, 3)


def _library(tmp_path) -> str:
    path = tmp_path / "library.bib"
    path.write_text(LIBRARY_BIB, encoding="utf-8")
    return str(path)


def test_bibtex_library_lexical_similarity_names_the_closest_entry(tmp_path):
    s = Settings(interests=Interests(papers=[_library(tmp_path)]))
    ranking = rank(s, [SPEC, VIDEO, ROBOT])
    assert ranking.method == "tfidf" and ranking.warnings == []
    spec, video, robot = (ranking.scores[c.arxiv_id] for c in (SPEC, VIDEO, ROBOT))
    assert spec.matched[0].kind == "library" and spec.matched[0].ref == "2211.17192"
    assert video.matched[0].ref == "2204.03458" and video.matched[0].where == ["title", "abstract"]
    assert spec.score > robot.score and video.score > robot.score
    assert robot.matched == [] or robot.matched[0].weight < spec.matched[0].weight
    assert 0 < spec.score <= 0.7 and spec.score == spec.matched[0].weight


def test_embeddings_through_the_replica_are_stored_once(tmp_path, replica):
    llm = replica.services["llm"]
    store = Store(tmp_path / "pb.db")
    s = Settings(openai_base_url=replica.url + "/v1", embedding_model="replica-embed",
                 interests=Interests(papers=[_library(tmp_path)]))
    ranking = rank(s, [SPEC, VIDEO, ROBOT], store=store)
    assert ranking.method == "embedding:replica-embed" and ranking.warnings == []
    assert ranking.scores[SPEC.arxiv_id].matched[0].ref == "2211.17192"
    assert ranking.scores[VIDEO.arxiv_id].matched[0].ref == "2204.03458"
    texts = llm.embedded_texts
    assert len(texts) == 4 + 3 and texts[-3] == f"{SPEC.title}\n{SPEC.abstract}"
    assert store.query("SELECT count(*) FROM embeddings")[0][0] == 7
    assert {r[0] for r in store.query("SELECT arxiv_id FROM embeddings WHERE arxiv_id LIKE '2602.%'")} == {
        "2602.00001", "2602.00002", "2602.00003"}
    calls = store.query("SELECT model, prompt_version, tokens_in, outcome FROM llm_calls")
    assert tuple(calls[0])[:2] == ("replica-embed", "embeddings") and all(r[3] == "ok" for r in calls)
    # a rerun (one new paper) asks only for that paper
    again = rank(s, [SPEC, VIDEO, ROBOT, Candidate("2602.00004", "Speculative decoding, again", "")], store=store)
    assert len(llm.embedded_texts) == 8 and llm.embedded_texts[-1] == "Speculative decoding, again"
    assert again.scores[SPEC.arxiv_id].score == ranking.scores[SPEC.arxiv_id].score
    store.close()


def test_without_embeddings_the_lexical_fallback_is_used_and_said(tmp_path, replica):
    llm = replica.services["llm"]
    llm.embeddings_enabled = False
    store = Store(tmp_path / "pb.db")
    s = Settings(openai_base_url=replica.url + "/v1", embedding_model="replica-embed",
                 interests=Interests(papers=[_library(tmp_path)]))
    ranking = rank(s, [SPEC, VIDEO], store=store)
    assert ranking.method == "tfidf"
    assert len(ranking.warnings) == 1 and "gave no embeddings for model 'replica-embed'" in ranking.warnings[0]
    assert "using the lexical similarity (TF-IDF) instead" in ranking.warnings[0]
    assert ranking.scores[SPEC.arxiv_id].matched[0].ref == "2211.17192"
    llm.embeddings_enabled = True  # an unknown model is refused the same way
    s2 = s.model_copy(update={"embedding_model": "no-such-model"})
    assert rank(s2, [SPEC], store=store).method == "tfidf"
    assert store.query("SELECT count(*) FROM embeddings")[0][0] == 0
    store.close()


def test_relevance_is_stored_with_its_matches(tmp_path):
    s = Settings(interests=Interests(keywords=["speculative decoding"]))
    ranking = rank(s, [SPEC, ROBOT])
    with Store(tmp_path / "pb.db") as store:
        save_relevance(store, "zh", "p1", ranking.scores)
        got = load_relevance(store, [SPEC.arxiv_id, ROBOT.arxiv_id, "2699.00000"], "zh")
        assert got[SPEC.arxiv_id].score == 0.6 and got[SPEC.arxiv_id].matched == ranking.scores[SPEC.arxiv_id].matched
        assert got[ROBOT.arxiv_id].score == 0.0 and "2699.00000" not in got
        assert load_relevance(store, [SPEC.arxiv_id], "en") == {}
        assert load_relevance(store, [SPEC.arxiv_id], "zh", profile="other") == {}


# --- order -----------------------------------------------------------------------------------------


def test_three_sort_orders_and_relevance_needs_interests():
    papers = [ListedPaper(arxiv_id=c.arxiv_id, title=c.title, upvotes=u) for c, u in ((SPEC, 5), (VIDEO, 50), (ROBOT, 50))]
    assert [p.arxiv_id for p in order(papers, "listing")] == ["2602.00001", "2602.00002", "2602.00003"]
    assert [p.arxiv_id for p in order(papers, "upvotes")] == ["2602.00002", "2602.00003", "2602.00001"]
    scores = rank(Settings(interests=Interests(keywords=["manipulation", "decoding"], exclude=["draft"])),
                  [SPEC, VIDEO, ROBOT]).scores
    assert [p.arxiv_id for p in order(papers, "relevance", scores)] == ["2602.00003", "2602.00001", "2602.00002"]
    with pytest.raises(RankError, match=r"--sort relevance needs interests.*\[interests\]"):
        order(papers, "relevance", None)
