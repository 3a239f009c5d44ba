"""Real WordPress (WXR 1.0, 1.1, 1.2) and Disqus export files, written the way each version does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

OLD_SITE = "https://old.example.com"


def cdata(text: str) -> str:
    # A "]]>" inside the text must be split across two sections, as WordPress's wxr_cdata() does.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Comment:
    id: int
    author: str = "Reader"
    content: str = "Nice post."
    approved: str = "1"
    type: str = ""
    parent: int = 0
    email: str | None = "reader@example.net"
    url: str | None = ""
    date: str = "2013-04-03 09:15:00"
    date_gmt: str | None = "2013-04-03 08:15:00"


@dataclass
class Post:
    id: int
    title: str
    slug: str
    date: str = "2013-04-02 10:00:00"
    content: str = "First paragraph.\n\nSecond paragraph with <em>emphasis</em>."
    post_type: str = "post"
    status: str = "publish"
    categories: tuple[str, ...] = ("Social Customer Service",)
    tags: tuple[str, ...] = ()
    comment_status: str = "open"
    excerpt: str = ""
    comments: list[Comment] = field(default_factory=list)


def _comment(comment: Comment, version: str) -> str:
    lines = [
        "<wp:comment>",
        f"<wp:comment_id>{comment.id}</wp:comment_id>",
        f"<wp:comment_author>{cdata(comment.author)}</wp:comment_author>",
    ]
    if comment.email is not None:
        lines.append(f"<wp:comment_author_email>{escape(comment.email)}</wp:comment_author_email>")
    if comment.url is not None:
        lines.append(f"<wp:comment_author_url>{escape(comment.url)}</wp:comment_author_url>")
    lines.append("<wp:comment_author_IP>192.0.2.7</wp:comment_author_IP>")
    lines.append(f"<wp:comment_date>{comment.date}</wp:comment_date>")
    if comment.date_gmt is not None:
        lines.append(f"<wp:comment_date_gmt>{comment.date_gmt}</wp:comment_date_gmt>")
    lines += [
        f"<wp:comment_content>{cdata(comment.content)}</wp:comment_content>",
        f"<wp:comment_approved>{comment.approved}</wp:comment_approved>",
    ]
    if comment.type or version != "1.0":  # WordPress 2.x left the element out for plain comments
        lines.append(f"<wp:comment_type>{comment.type}</wp:comment_type>")
    lines += [f"<wp:comment_parent>{comment.parent}</wp:comment_parent>",
              "<wp:comment_user_id>0</wp:comment_user_id>"]
    if version == "1.2":
        lines.append("<wp:commentmeta><wp:meta_key>akismet_result</wp:meta_key>"
                     "<wp:meta_value>false</wp:meta_value></wp:commentmeta>")
    lines.append("</wp:comment>")
    return "\n".join(lines)


def _categories(post: Post, version: str) -> str:
    tag_domain = "tag" if version == "1.0" else "post_tag"
    parts = []
    for name in post.categories:
        if version == "1.0":
            parts.append(f"<category>{cdata(name)}</category>")
        parts.append(f'<category domain="category" nicename="{name.lower().replace(" ", "-")}">'
                     f"{cdata(name)}</category>")
    parts += [f'<category domain="{tag_domain}" nicename="{t.lower()}">{cdata(t)}</category>'
              for t in post.tags]
    return "\n".join(parts)


def _item(post: Post, version: str) -> str:
    comments = "\n".join(_comment(c, version) for c in post.comments)
    return f"""<item>
<title>{escape(post.title)}</title>
<link>{OLD_SITE}/{post.date[:4]}/{post.date[5:7]}/{post.slug}/</link>
<pubDate>Tue, 02 Apr 2013 10:00:00 +0000</pubDate>
<dc:creator>{cdata("editor")}</dc:creator>
<guid isPermaLink="false">{OLD_SITE}/?p={post.id}</guid>
<description></description>
<content:encoded>{cdata(post.content)}</content:encoded>
<excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>
<wp:post_id>{post.id}</wp:post_id>
<wp:post_date>{post.date}</wp:post_date>
<wp:post_date_gmt>{post.date}</wp:post_date_gmt>
<wp:comment_status>{post.comment_status}</wp:comment_status>
<wp:ping_status>open</wp:ping_status>
<wp:post_name>{post.slug}</wp:post_name>
<wp:status>{post.status}</wp:status>
<wp:post_parent>0</wp:post_parent>
<wp:menu_order>0</wp:menu_order>
<wp:post_type>{post.post_type}</wp:post_type>
<wp:post_password></wp:post_password>
<wp:is_sticky>0</wp:is_sticky>
{_categories(post, version)}
<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>{cdata("1")}</wp:meta_value></wp:postmeta>
{comments}
</item>"""


def wxr(version: str, posts: list[Post]) -> str:
    """A complete WXR document of ``version`` (1.0, 1.1 or 1.2) with ``posts``."""
    site = ""
    if version != "1.0":
        site = f"""<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>{OLD_SITE}</wp:base_site_url>
<wp:base_blog_url>{OLD_SITE}</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>{cdata("editor")}</wp:author_login>
<wp:author_email>{cdata("editor@old.example.com")}</wp:author_email>
<wp:author_display_name>{cdata("Zoë Editor")}</wp:author_display_name></wp:author>"""
    else:
        site = "<wp:wxr_version>1.0</wp:wxr_version>"
    items = "\n".join(_item(post, version) for post in posts)
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/{version}/"
>
<channel>
<title>Old CX Blog</title>
<link>{OLD_SITE}</link>
<description>Customer service</description>
<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate>
<language>en-US</language>
{site}
<generator>https://wordpress.org/?v=6.4</generator>
{items}
</channel>
</rss>
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


@dataclass
class DisqusPost:
    id: int
    thread: int
    message: str = "<p>Great read.</p>"
    author: str = "Disqus Reader"
    email: str = "dq@example.net"
    parent: int | None = None
    deleted: bool = False
    spam: bool = False
    created: str = "2014-06-10T12:00:00Z"


def disqus(threads: dict[int, str], posts: list[DisqusPost], forum: str = "oldcx") -> str:
    """A Disqus export: ``threads`` maps a thread id to its page URL."""
    thread_xml = "\n".join(f"""<thread dsq:id="{tid}">
<id>{tid} {escape(link)}</id><forum>{forum}</forum><category dsq:id="1" />
<link>{escape(link)}</link><title>Thread {tid}</title><message />
<createdAt>2014-06-01T00:00:00Z</createdAt>
<author><name>Editor</name><isAnonymous>false</isAnonymous><username>editor</username></author>
<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>""" for tid, link in threads.items())
    post_xml = "\n".join(f"""<post dsq:id="{p.id}">
<id />
<message>{cdata(p.message)}</message>
<createdAt>{p.created}</createdAt>
<isDeleted>{str(p.deleted).lower()}</isDeleted>
<isSpam>{str(p.spam).lower()}</isSpam>
<author><email>{escape(p.email)}</email><name>{escape(p.author)}</name><isAnonymous>false</isAnonymous>
<username>u{p.id}</username></author>
<ipAddress>192.0.2.9</ipAddress>
<thread dsq:id="{p.thread}" />
{f'<parent dsq:id="{p.parent}" />' if p.parent else ""}
</post>""" for p in posts)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/disqus-internals.xsd">
<category dsq:id="1"><forum>{forum}</forum><title>General</title><isDefault>true</isDefault></category>
{thread_xml}
{post_xml}
</disqus>
"""
