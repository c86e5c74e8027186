"""Every sentence and label a reader sees, in Chinese and in English: one catalog.

The CLI, the day's Markdown and JSON, the website, the feed and delivery all take their
wording from here, so a failure or a flag reads the same everywhere and a translation is
made in one place. Keys are dotted by where they belong (`field.*` the report's five
sections, `failure.*` one per `models.FailureKind`, `flag.*` grounding flags, `outcome.*` a
paper's outcome as every renderer says it (`describe_failed`, `describe_kept`), `md.*` the
day's Markdown, `site.*` the website). Both languages have exactly the same keys (a test
checks it) and `{name}` placeholders are filled by `msg(key, lang, name=...)`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from paperbrief.langs import LANGS

if TYPE_CHECKING:
    from paperbrief.models import Failure, WrittenReport

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        # the report's five sections
        "field.domain": "应用领域",
        "field.contribution": "一句话核心贡献",
        "field.usage": "使用指南",
        "field.innovations": "主要创新点",
        "field.results": "实验效果",
        "colon": "：",
        "list_sep": "、",
        # why a paper has no report: one per models.FailureKind
        "failure.unread": "未能读取论文",
        "failure.endpoint_auth": "大模型服务拒绝了 API 密钥",
        "failure.endpoint_model": "大模型服务找不到该模型（或服务地址有误）",
        "failure.endpoint_unreachable": "无法连接大模型服务",
        "failure.endpoint_error": "大模型服务出错",
        "failure.rate_limited": "大模型服务要求等待过久，已放弃",
        "failure.not_sent": "大模型服务不可用，本文未发送",
        "failure.invalid_answer": "大模型两次返回的内容都不符合报告格式",
        "failure.empty_answer": "大模型返回了空内容",
        "failure.refused": "大模型拒绝作答",
        "failure.wrong_language": "大模型没有用要求的语言作答",
        "failure.cut_off": "回答被截断（达到 max_output_tokens 上限）",
        "failure.timeout": "大模型请求超时",
        "failure.broken_stream": "大模型的回答中途中断",
        "failure.writer_crashed": "撰写时程序出错",
        "failure.with_detail": "{summary}（{detail}）",
        "hint.endpoint_auth": "大模型服务 {url} 拒绝了 API 密钥；请设置环境变量 OPENAI_API_KEY，或在 {config} 中设置 openai_api_key",
        "hint.endpoint_model": "大模型服务不认识模型“{model}”或地址有误；请设置 PAPERBRIEF_MODEL 或 --model，"
                               "并检查 OPENAI_BASE_URL（通常以 /v1 结尾）",
        "hint.endpoint_unreachable": "无法连接大模型服务 {url}；请检查环境变量 OPENAI_BASE_URL 或 {config} 中的 "
                                     "openai_base_url，或两者都不设置以改用原文摘录",
        "hint.endpoint_stop": "{fix}（{detail}）。其余论文不再发送；修复后重新运行即可。",
        "failure.unknown": "原因不明",
        # grounding flags and where the text came from
        "flag.empty": "“{field}”一节为空",
        "flag.wrong_language": "报告大部分不是中文",
        "flag.wrong_language_en": "报告大部分是中文而非英文",
        "flag.copies_abstract": "“{field}”第 {n} 条几乎照抄摘要",
        "flag.ungrounded": "以下数字未能在论文原文中找到，请核对：{numbers}",
        "flag.misattributed": "以下数字论文中有，但未在报告所指的数据集、指标、模型或单位旁找到，可能张冠李戴，请核对：{numbers}",
        "provenance.listing_fallback": "arXiv 暂时无法读取，本条依据 Hugging Face 上的摘要撰写，下次运行会重新读取全文",
        "source.unread": "未能读取",
        # a paper's outcome, said the same way by the day's files, the website, the feed and delivery
        "outcome.failed": "未能生成本文报告：{reason}",
        "outcome.kept": "最近一次生成本文报告未成功（{model}：{reason}），以下保留此前由 {kept_model} 写成的报告。",
        "outcome.kept_short": "最近一次生成未成功（{model}：{reason}），显示此前由 {kept_model} 写成的报告",
        "outcome.other_lang": "本文的中文报告最近一次生成未成功（{model}：{reason}），以下为 {kept_model} 写成的英文报告。",
        "outcome.other_lang_short": "中文报告最近一次生成未成功（{model}：{reason}），显示 {kept_model} 写成的英文报告",
        # the day's Markdown
        "md.link": "链接",
        "md.source": "阅读来源",
        "md.extract": "> 注：以下为论文原句摘录（未使用大模型），并非总结。",
        "md.extract_en": "> 注：以下为论文英文原句摘录（未使用大模型），并非总结；各节标题与标签为中文。",
        "md.warning": "> ⚠ {note}",
        "md.note": "> 注：{note}",
        "md.empty_day": "> 注：Hugging Face Daily Papers 这一天没有列出论文（周末或空白日），本日报告为空。",
        # delivery (e-mail and chat messages)
        "deliver.heading": "Hugging Face 每日论文 · {date}",
        "deliver.updated": "（更新）",
        "deliver.count": "共 {count} 篇论文",
        "deliver.count_failed": "共 {count} 篇论文，其中 {failed} 篇未能生成报告",
        "deliver.part": "（{i}/{n}）",
        "deliver.field": "领域",
        "deliver.full": "完整报告",
        "deliver.source": "Hugging Face 当日页面",
        "deliver.subject": "Hugging Face 每日论文 {date}：{count} 篇",
        "deliver.more": "…",
        "deliver.email_links": "链接",
        "deliver.email_authors_more": "等 {n} 位作者",
        "deliver.email_read_from": "阅读来源",
        "deliver.email_footer": "本邮件由 paperbrief 根据 Hugging Face Daily Papers 自动生成。",
        "deliver.email_grounding": "引用前请核对",
        "deliver.link_abs": "arXiv 摘要",
        "deliver.link_hf": "Hugging Face",
        "deliver.link_pdf": "PDF",
        "deliver.link_code": "代码",
        "deliver.link_project": "项目主页",
        # delivery of a week's or month's digest
        "deliver.subject_digest": "{title}：{count} 篇",
        "deliver.clauses": "；",
        "deliver.top_upvoted": "热门论文（按点赞）",
        "deliver.top_relevant": "与你的兴趣最相关的论文",
        "deliver.paper_meta": "领域：{field} · {upvotes} 赞 · {date}",
        "deliver.relevant_meta": "相关度 {relevance} · 匹配：{matched} · {upvotes} 赞",
        "deliver.fields_against": "{cur}，对比{prev}",
        "deliver.field_move": "{field} {count}（{change}）",
        "deliver.full_week": "完整周报",
        "deliver.full_month": "完整月报",
        "deliver.source_week": "Hugging Face 本周页面",
        "deliver.source_month": "Hugging Face 本月页面",
        # another paperbrief process on the same home is making what this one needs (paperbrief.claims)
        "claims.waiting_report": "{id}：另一个 paperbrief 进程（{holder}）正在撰写这篇论文，等待它的报告",
        "claims.waiting_overview": "{date}：另一个 paperbrief 进程（{holder}）正在撰写当天的今日速览，等待它写完",
        "claims.waiting_digest": "{period}：另一个 paperbrief 进程（{holder}）正在撰写这期的要点，等待它写完",
        # what a command paid the LLM endpoint (tokens are written with thousands separators by the caller)
        "spent.line": "令牌 输入 / 输出：{tokens_in} / {tokens_out}；估算费用：{cost}",
        "spent.cost_unknown": "未知（该模型没有配置价格）",
        # interests, the day's overview and digests
        "rank.no_interests": "--sort relevance 需要先设置兴趣：在配置文件中加入 [interests] 表（keywords、authors、exclude、papers），"
                             "或设置 PAPERBRIEF_INTEREST_KEYWORDS / --keyword；也可以按 listing 或 upvotes 排序",
        "overview.heading": "今日速览",
        "overview.index": "论文索引",
        "overview.others": "其余论文（未撰写报告，按 --top 省略）",
        "overview.col_paper": "论文",
        "overview.col_field": "领域",
        "overview.col_upvotes": "点赞",
        "overview.col_relevance": "相关度",
        "overview.col_contribution": "一句话贡献",
        "overview.upvotes": "点赞 {n}",
        "overview.relevance": "相关度 {score:.2f}",
        "overview.no_report": "未能生成报告",
        "overview.cite_open": "（",
        "overview.cite_close": "）",
        "overview.stat_count": "今日共 {total} 篇论文，{written} 篇有报告{failed}{others}。",
        "overview.stat_failed": "，{n} 篇未能生成报告",
        "overview.stat_others": "，另有 {n} 篇只列出摘要",
        "overview.stat_fields": "领域分布：{items}。",
        "overview.stat_field": "{name} {n} 篇",
        "overview.stat_top": "点赞最多的是{items}。",
        "overview.stat_top_item": "《{title}》（{n} 赞）",
        "overview.stat_and": "和",
        "overview.stat_relevant": "与你的兴趣最相关的是{items}。",
        "overview.stat_relevant_item": "《{title}》（相关度 {score:.2f}，匹配：{why}）",
        "overview.other_field": "其他",
        "notes.ungrounded": "> ⚠ 以下数字未能在所引论文的报告中找到，请核对：{numbers}",
        "notes.unknown_overview": "> ⚠ 速览引用了不属于当天的论文 {ids}，已删去。",
        "notes.unknown_digest": "> ⚠ 要点引用了不属于这段时间的论文 {ids}，已删去。",
        "notes.uncited_overview": "> ⚠ 有 {n} 句没有引用任何当天的论文。",
        "notes.uncited_digest": "> ⚠ 有 {n} 个要点没有引用任何论文。",
        "notes.fallback_overview": "> 注：大模型未能写出速览（{error}），以下为统计概览。",
        "notes.fallback_digest": "> 注：大模型未能写出要点（{error}）。",
        "digest.title_week": "Hugging Face Daily Papers 周报 {period}",
        "digest.title_month": "Hugging Face Daily Papers 月报 {period}",
        "digest.period": "时间范围",
        "digest.days": "已运行",
        "digest.days_value": "{run} / {total} 天",
        "digest.not_run": "未运行",
        "digest.not_yet": "尚未到来",
        "digest.papers": "论文",
        "digest.papers_value": "{papers} 篇，其中 {written} 篇有中文报告",
        "digest.themes_week": "本周要点",
        "digest.themes_month": "本月要点",
        "digest.no_themes": "（未配置大模型，没有要点总结；以下为统计。）",
        "digest.top": "热门论文",
        "digest.by_upvotes": "按点赞",
        "digest.by_relevance": "按与你的兴趣的相关度",
        "digest.col_date": "日期",
        "digest.col_matched": "匹配",
        "digest.fields": "领域变化",
        "digest.col_change": "变化",
        "digest.this_week": "本周",
        "digest.this_month": "本月",
        "digest.prev_week": "上周",
        "digest.prev_month": "上月",
        "digest.chart": "各领域论文数：{prev} 与 {cur}",
        "digest.recurring": "反复出现的方法、基准与数据集",
        "digest.methods": "方法",
        "digest.benchmarks": "基准与数据集",
        "digest.recurring_item": "{name}（{n} 篇）",
        "digest.none": "无（没有在两篇以上论文中出现的名称）",
        # the website
        "site.html_lang": "zh-CN",
        "site.site_title": "Hugging Face 每日论文简报",
        "site.feed_title": "每日论文简报（Atom 订阅）",
        "site.feed_subtitle": "Hugging Face Daily Papers 每日研究简报",
        "site.feed": "订阅",
        "site.search": "搜索",
        "site.search_placeholder": "搜索论文、领域或方法，如：投机解码",
        "site.home": "首页",
        "site.footer": "由 paperbrief 根据 Hugging Face Daily Papers 与 arXiv 论文生成",
        "site.home_lead": "共 {days} 天、{papers} 篇论文的研究简报。",
        "site.chart_day": "每日论文领域分布",
        "site.chart_week": "每周论文领域分布",
        "site.chart_month": "每月论文领域分布",
        "site.other": "其他",
        "site.days": "按日期浏览",
        "site.no_days": "还没有任何一天的数据，请先运行 paperbrief run。",
        "site.date": "日期",
        "site.papers": "论文",
        "site.written": "已写",
        "site.failed_short": "失败",
        "site.month": "{year} 年 {month} 月",
        "site.day_title": "{date} 论文简报",
        "site.day_lead": "共 {count} 篇论文，已写 {written} 篇，失败 {failed} 篇。",
        "site.hf_day": "Hugging Face 当日列表",
        "site.contents": "目录",
        "site.source": "阅读来源",
        "site.writer": "生成方式",
        "site.writer_llm": "大模型（{model}）",
        "site.writer_extractive": "原文摘录",
        "site.other_lang": "英文报告",
        "site.grounded": "数字均已在原文中核对",
        "site.grounding": "核对提示",
        "site.ungrounded": "原文中未找到的数字",
        "site.misattributed": "未在所指对象旁找到的数字",
        "site.failed": "未能生成报告",
        "site.pending": "尚未生成报告",
        "site.listed_on": "收录日期",
        "site.upvotes": "点赞",
        "site.abstract": "摘要",
        "site.all_authors": "全部作者",
        "site.authors_more": "等 {n} 位作者",
        "site.link_abs": "arXiv 摘要页",
        "site.link_hf": "Hugging Face",
        "site.link_pdf": "PDF",
        "site.link_code": "代码",
        "site.link_project": "项目主页",
        "site.needs_js": "站内搜索需要启用 JavaScript；也可以在命令行使用 paperbrief search。",
        "site.searching": "正在搜索……",
        "site.no_results": "没有找到相关论文。",
        "site.result_count": "找到 {count} 篇相关论文。",
        "site.too_short": "请至少输入两个汉字或一个英文单词。",
        "site.search_error": "搜索索引加载失败，请稍后再试。",
        "site.entry_title": "{date} · {count} 篇论文",
        "site.papers_word": "篇论文",
        "site.not_written": "尚未生成报告",
        "site.digests": "周报与月报",
        "site.list_sep": "、",
        "site.sentence_join": "",
    },
    "en": {
        "field.domain": "Field",
        "field.contribution": "Core contribution",
        "field.usage": "How to use it",
        "field.innovations": "Key innovations",
        "field.results": "Results",
        "colon": ": ",
        "list_sep": ", ",
        "failure.unread": "the paper could not be read",
        "failure.endpoint_auth": "the LLM endpoint rejected the API key",
        "failure.endpoint_model": "the LLM endpoint does not know the model (or its URL is wrong)",
        "failure.endpoint_unreachable": "the LLM endpoint could not be reached",
        "failure.endpoint_error": "the LLM endpoint failed",
        "failure.rate_limited": "the LLM endpoint asked us to wait too long",
        "failure.not_sent": "not sent: the LLM endpoint had failed for an earlier paper",
        "failure.invalid_answer": "the model's answer did not fit the report format, twice",
        "failure.empty_answer": "the model returned an empty answer",
        "failure.refused": "the model refused to answer",
        "failure.wrong_language": "the model did not answer in the requested language",
        "failure.cut_off": "the answer was cut off (max_output_tokens)",
        "failure.timeout": "the LLM request timed out",
        "failure.broken_stream": "the model's answer broke off",
        "failure.writer_crashed": "the writer crashed",
        "failure.with_detail": "{summary} ({detail})",
        "hint.endpoint_auth": "the LLM endpoint {url} rejected the API key; set OPENAI_API_KEY, or openai_api_key in "
                              "{config}",
        "hint.endpoint_model": "the LLM endpoint does not know model '{model}' or the URL is wrong; set "
                               "PAPERBRIEF_MODEL or --model, and check OPENAI_BASE_URL (it usually ends in /v1)",
        "hint.endpoint_unreachable": "the LLM endpoint {url} cannot be reached; check OPENAI_BASE_URL (environment) "
                                     "or openai_base_url in {config}, or unset both for the extractive writer",
        "hint.endpoint_stop": "{fix} ({detail}). The remaining papers are not sent; run again once it is fixed.",
        "failure.unknown": "unknown reason",
        "flag.empty": "the “{field}” section is empty",
        "flag.wrong_language": "the report is mostly not in English",
        "flag.wrong_language_en": "the report is mostly not in English",
        "flag.copies_abstract": "{field} item {n} nearly copies the abstract",
        "flag.ungrounded": "Numbers not found in the paper's text, please check: {numbers}",
        "flag.misattributed": "Numbers the paper has, but not next to the dataset, metric, model or unit the report "
                              "ties them to; they may belong to something else, please check: {numbers}",
        "provenance.listing_fallback": "arXiv could not be read, so this was written from the Hugging Face abstract; "
                                       "the next run reads the full text again",
        "source.unread": "not read",
        "outcome.failed": "No report for this paper: {reason}",
        "outcome.kept": "The latest attempt at this report failed ({model}: {reason}); the report below is the earlier "
                        "one by {kept_model}.",
        "outcome.kept_short": "the latest attempt failed ({model}: {reason}); showing the earlier report by {kept_model}",
        "outcome.other_lang": "The latest attempt at an English report failed ({model}: {reason}); the report below "
                              "is the Chinese one by {kept_model}.",
        "outcome.other_lang_short": "the latest attempt at an English report failed ({model}: {reason}); showing the "
                                    "Chinese report by {kept_model}",
        "md.link": "Link",
        "md.source": "Read from",
        "md.extract": "> Note: this entry quotes the paper's own sentences (no language model was used); "
                      "it is an extract, not a summary.",
        "md.extract_en": "> Note: this entry quotes the paper's own English sentences (no language model was used); "
                         "it is an extract, not a summary.",
        "md.warning": "> ⚠ {note}",
        "md.note": "> Note: {note}",
        "md.empty_day": "> Note: Hugging Face Daily Papers lists no papers for this day (a weekend or an empty day), so this report is empty.",
        # delivery (e-mail and chat messages)
        "deliver.heading": "Hugging Face Daily Papers · {date}",
        "deliver.updated": " (updated)",
        "deliver.count": "{count} papers",
        "deliver.count_failed": "{count} papers, {failed} without a report",
        "deliver.part": " ({i}/{n})",
        "deliver.field": "Field",
        "deliver.full": "Full report",
        "deliver.source": "The day on Hugging Face",
        "deliver.subject": "Hugging Face Daily Papers {date}: {count} papers",
        "deliver.more": "…",
        "deliver.email_links": "Links",
        "deliver.email_authors_more": "and {n} more",
        "deliver.email_read_from": "Read from",
        "deliver.email_footer": "Sent by paperbrief from Hugging Face Daily Papers.",
        "deliver.email_grounding": "Check before quoting",
        "deliver.link_abs": "arXiv abstract",
        "deliver.link_hf": "Hugging Face",
        "deliver.link_pdf": "PDF",
        "deliver.link_code": "Code",
        "deliver.link_project": "Project page",
        # delivery of a week's or month's digest
        "deliver.subject_digest": "{title}: {count} papers",
        "deliver.clauses": "; ",
        "deliver.top_upvoted": "Top papers by upvotes",
        "deliver.top_relevant": "Most relevant to your interests",
        "deliver.paper_meta": "Field: {field} · {upvotes} upvotes · {date}",
        "deliver.relevant_meta": "Relevance {relevance} · matched: {matched} · {upvotes} upvotes",
        "deliver.fields_against": "{cur} against {prev}",
        "deliver.field_move": "{field} {count} ({change})",
        "deliver.full_week": "The full digest",
        "deliver.full_month": "The full digest",
        "deliver.source_week": "The week on Hugging Face",
        "deliver.source_month": "The month on Hugging Face",
        "claims.waiting_report": "{id}: another paperbrief process ({holder}) is writing this paper; waiting for its "
                                 "report",
        "claims.waiting_overview": "{date}: another paperbrief process ({holder}) is writing the day's overview; "
                                   "waiting for it",
        "claims.waiting_digest": "{period}: another paperbrief process ({holder}) is writing this digest's themes; "
                                 "waiting for them",
        "spent.line": "tokens in / out: {tokens_in} / {tokens_out}; estimated cost: {cost}",
        "spent.cost_unknown": "unknown (no price for this model)",
        "rank.no_interests": "--sort relevance needs interests: add an [interests] table (keywords, authors, exclude, "
                             "papers) to the config file, or set PAPERBRIEF_INTEREST_KEYWORDS / --keyword; or sort by "
                             "listing or upvotes",
        "overview.heading": "Today",
        "overview.index": "Index",
        "overview.others": "Other papers (no report: left out by --top)",
        "overview.col_paper": "Paper",
        "overview.col_field": "Field",
        "overview.col_upvotes": "Upvotes",
        "overview.col_relevance": "Relevance",
        "overview.col_contribution": "Contribution",
        "overview.upvotes": "{n} upvotes",
        "overview.relevance": "relevance {score:.2f}",
        "overview.no_report": "no report",
        "overview.cite_open": " (",
        "overview.cite_close": ")",
        "overview.stat_count": "{total} papers today, {written} with a report{failed}{others}.",
        "overview.stat_failed": ", {n} failed",
        "overview.stat_others": ", {n} listed with their abstract only",
        "overview.stat_fields": "Fields: {items}.",
        "overview.stat_field": "{name} {n}",
        "overview.stat_top": "Most upvoted: {items}.",
        "overview.stat_top_item": "“{title}” ({n} upvotes)",
        "overview.stat_and": " and ",
        "overview.stat_relevant": "Closest to your interests: {items}.",
        "overview.stat_relevant_item": "“{title}” (relevance {score:.2f}, matched {why})",
        "overview.other_field": "Other",
        "notes.ungrounded": "> ⚠ Numbers not found in the reports of the cited papers, please check: {numbers}",
        "notes.unknown_overview": "> ⚠ The overview cited papers not of this day ({ids}); they were removed.",
        "notes.unknown_digest": "> ⚠ The themes cited papers not of this period ({ids}); they were removed.",
        "notes.uncited_overview": "> ⚠ {n} sentences cite no paper of the day.",
        "notes.uncited_digest": "> ⚠ {n} themes cite no paper.",
        "notes.fallback_overview": "> Note: the LLM could not write the overview ({error}); these are the day's figures.",
        "notes.fallback_digest": "> Note: the LLM could not write the themes ({error}).",
        "digest.title_week": "Hugging Face Daily Papers, week {period}",
        "digest.title_month": "Hugging Face Daily Papers, month {period}",
        "digest.period": "Period",
        "digest.days": "Days run",
        "digest.days_value": "{run} of {total}",
        "digest.not_run": "Not run",
        "digest.not_yet": "Not yet",
        "digest.papers": "Papers",
        "digest.papers_value": "{papers}, {written} with an English report",
        "digest.themes_week": "Key themes this week",
        "digest.themes_month": "Key themes this month",
        "digest.no_themes": "(No LLM configured, so no themes; the figures follow.)",
        "digest.top": "Top papers",
        "digest.by_upvotes": "By upvotes",
        "digest.by_relevance": "By relevance to your interests",
        "digest.col_date": "Date",
        "digest.col_matched": "Matched",
        "digest.fields": "Fields",
        "digest.col_change": "Change",
        "digest.this_week": "This week",
        "digest.this_month": "This month",
        "digest.prev_week": "Last week",
        "digest.prev_month": "Last month",
        "digest.chart": "Papers per field: {prev} and {cur}",
        "digest.recurring": "Recurring methods, benchmarks and datasets",
        "digest.methods": "Methods",
        "digest.benchmarks": "Benchmarks and datasets",
        "digest.recurring_item": "{name} ({n} papers)",
        "digest.none": "none (no name appears in two or more papers)",
        # the website
        "site.html_lang": "en",
        "site.site_title": "Hugging Face Daily Papers Briefing",
        "site.feed_title": "Daily Papers Briefing (Atom feed)",
        "site.feed_subtitle": "A research briefing of each day's Hugging Face Daily Papers",
        "site.feed": "Feed",
        "site.search": "Search",
        "site.search_placeholder": "Search papers, fields or methods, e.g. speculative decoding",
        "site.home": "Home",
        "site.footer": "Made by paperbrief from Hugging Face Daily Papers and arXiv",
        "site.home_lead": "Briefings for {papers} papers over {days} days.",
        "site.chart_day": "Papers per field, by day",
        "site.chart_week": "Papers per field, by week",
        "site.chart_month": "Papers per field, by month",
        "site.other": "Other",
        "site.days": "Browse by day",
        "site.no_days": "No days stored yet: run paperbrief run first.",
        "site.date": "Date",
        "site.papers": "Papers",
        "site.written": "Written",
        "site.failed_short": "Failed",
        "site.month": "{month_name} {year}",
        "site.day_title": "Papers of {date}",
        "site.day_lead": "{count} papers: {written} written, {failed} failed.",
        "site.hf_day": "The day on Hugging Face",
        "site.contents": "Contents",
        "site.source": "Read from",
        "site.writer": "Written by",
        "site.writer_llm": "LLM ({model})",
        "site.writer_extractive": "extract of the paper",
        "site.other_lang": "report in Chinese",
        "site.grounded": "every number found in the paper",
        "site.grounding": "Check before quoting",
        "site.ungrounded": "Numbers not found in the paper",
        "site.misattributed": "Numbers not found next to what the report ties them to",
        "site.failed": "No report could be written",
        "site.pending": "Not written yet",
        "site.listed_on": "Listed on",
        "site.upvotes": "Upvotes",
        "site.abstract": "Abstract",
        "site.all_authors": "All authors",
        "site.authors_more": "et al. ({n} authors)",
        "site.link_abs": "arXiv abstract",
        "site.link_hf": "Hugging Face",
        "site.link_pdf": "PDF",
        "site.link_code": "Code",
        "site.link_project": "Project page",
        "site.needs_js": "Search on this site needs JavaScript; on the command line, use paperbrief search.",
        "site.searching": "Searching…",
        "site.no_results": "No papers found.",
        "site.result_count": "Papers found: {count}.",
        "site.too_short": "Type at least two Chinese characters or one word.",
        "site.search_error": "The search index could not be loaded; try again later.",
        "site.entry_title": "{date} · {count} papers",
        "site.papers_word": "papers",
        "site.not_written": "not written yet",
        "site.digests": "Weekly and monthly digests",
        "site.list_sep": ", ",
        "site.sentence_join": " ",
    },
}

FIELDS = ("domain", "contribution", "usage", "innovations", "results")


def msg(key: str, lang: str, /, **values: object) -> str:
    """The message `key` in `lang` (Chinese for an unknown language), with `{name}`s filled in."""
    table = MESSAGES.get(lang) or MESSAGES["zh"]
    text = table[key]
    return text.format(**values) if values else text


def section(prefix: str, lang: str) -> dict[str, str]:
    """Every message under `prefix.` in `lang`, keyed without the prefix (for templates)."""
    table = MESSAGES.get(lang) or MESSAGES["zh"]
    cut = len(prefix) + 1
    return {k[cut:]: v for k, v in table.items() if k.startswith(prefix + ".")}


def field_name(field: str, lang: str) -> str:
    """The heading of a report section (`domain`, `usage`, ...) in `lang`; unknown names as they are."""
    return msg(f"field.{field}", lang) if field in FIELDS else field


def describe_failure(failure: Failure | None, lang: str) -> str:
    """Why a paper has no report, in `lang`: the kind's sentence, then the technical detail."""
    if failure is None:
        return msg("failure.unknown", lang)
    summary = msg(f"failure.{failure.kind}", lang)
    detail = re.sub(r"\s*\n\s*", " ", failure.detail).strip()
    return msg("failure.with_detail", lang, summary=summary, detail=detail) if detail else summary


def describe_failed(written: WrittenReport, lang: str) -> str:
    """The sentence every renderer shows for a paper with no report: that it has none, and why."""
    return msg("outcome.failed", lang, reason=describe_failure(written.failure, lang))


def describe_kept(written: WrittenReport, attempt: WrittenReport | None, lang: str, *, short: bool = False) -> str:
    """For a report `written` shown because the newest attempt in `lang` (`attempt`) failed: the sentence that
    says so, the same in every renderer ("" when nothing failed). `written` is an earlier report kept from
    before, or, on the website, the other language's report. `short` is the form for a line that does not
    show the report itself (the feed)."""
    if attempt is None:
        return ""
    key = "outcome.kept" if written.lang == lang else "outcome.other_lang"
    return msg(key + "_short" if short else key, lang, model=attempt.model or "?",
               reason=describe_failure(attempt.failure, lang), kept_model=written.model or "?")


def describe_source(written: WrittenReport, lang: str) -> str:
    """Where a paper's text was read from (the report-format label HTML / PDF / ArXiv Abs), or that it was not."""
    unread = written.failure is not None and written.failure.kind == "unread"
    return msg("source.unread", lang) if unread else written.source


def describe_notes(written: WrittenReport, lang: str) -> list[str]:
    """What a reader is told about a report besides its numbers: its grounding flags, and that it rests on
    the listing's abstract when arXiv could not be read."""
    notes = [describe_flag(f, lang) for f in written.flags]
    if written.provenance == "listing_fallback":
        notes.append(msg("provenance.listing_fallback", lang))
    return notes


def describe_flag(flag: str, lang: str = "zh") -> str:
    """A grounding flag (`empty:usage`, `copies_abstract:results[1]`, `wrong_language:zh`) as one
    sentence; an unknown flag is shown as it is."""
    kind, _, arg = flag.partition(":")
    m = re.match(r"(\w+)(?:\[(\d+)\])?", arg)
    field = field_name(m.group(1), lang) if m else arg
    if kind == "empty":
        return msg("flag.empty", lang, field=field)
    if kind == "wrong_language":
        return msg("flag.wrong_language_en" if (lang == "en" or arg == "zh") else "flag.wrong_language", lang)
    if kind == "copies_abstract" and m:
        return msg("flag.copies_abstract", lang, field=field, n=int(m.group(2) or 0) + 1)
    return flag


__all__ = ["LANGS", "MESSAGES", "describe_failed", "describe_failure", "describe_flag", "describe_kept",
           "describe_notes", "describe_source", "field_name", "msg", "section"]
