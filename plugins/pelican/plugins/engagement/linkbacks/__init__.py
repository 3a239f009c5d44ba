"""TrackBack 1.2, Pingback 1.0 and Webmention: what other sites tell us, and what we tell them.

- :mod:`.verify` fetches a source (through the guarded :mod:`pelican.plugins.engagement.net`) and reads it:
  does it link to our article, who wrote it, what kind of response it is;
- :mod:`.intake` turns a validated ping of any of the three protocols into a stored entry;
- :mod:`.trackback`, :mod:`.pingback` and :mod:`.webmention` hold each protocol's wire format;
- :mod:`.worker` verifies queued webmentions and trackbacks asynchronously;
- :mod:`.discovery` finds another site's endpoints, for :mod:`pelican.plugins.engagement.linkbacks.send`.
"""
