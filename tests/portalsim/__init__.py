"""Offline simulator of the county portals that publish annual reports: four on Hanweb
JCMS, one on TRS WCM, one on 开普云/Ucap.

The real portals are out of reach from our machines; everything is tested and demonstrated
against this world instead. It is an HTTP forward proxy: a client that uses it as its proxy
requests the real URLs (``http://www.jiaxiang.gov.cn/...``) and gets the simulated portal, so
archived URLs are the real ones. ``python -m tests.portalsim --help`` explains the commands.
"""
