"""Choices more than one context uses: provinces (addresses, slots, MIDs) and terminal models
(the application asks for one, terminals stock them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    """Provincial-level divisions, keyed by their GB/T 2260 code (first two digits)."""

    BEIJING = "11", _("Beijing")
    TIANJIN = "12", _("Tianjin")
    HEBEI = "13", _("Hebei")
    SHANXI = "14", _("Shanxi")
    INNER_MONGOLIA = "15", _("Inner Mongolia")
    LIAONING = "21", _("Liaoning")
    JILIN = "22", _("Jilin")
    HEILONGJIANG = "23", _("Heilongjiang")
    SHANGHAI = "31", _("Shanghai")
    JIANGSU = "32", _("Jiangsu")
    ZHEJIANG = "33", _("Zhejiang")
    ANHUI = "34", _("Anhui")
    FUJIAN = "35", _("Fujian")
    JIANGXI = "36", _("Jiangxi")
    SHANDONG = "37", _("Shandong")
    HENAN = "41", _("Henan")
    HUBEI = "42", _("Hubei")
    HUNAN = "43", _("Hunan")
    GUANGDONG = "44", _("Guangdong")
    GUANGXI = "45", _("Guangxi")
    HAINAN = "46", _("Hainan")
    CHONGQING = "50", _("Chongqing")
    SICHUAN = "51", _("Sichuan")
    GUIZHOU = "52", _("Guizhou")
    YUNNAN = "53", _("Yunnan")
    TIBET = "54", _("Tibet")
    SHAANXI = "61", _("Shaanxi")
    GANSU = "62", _("Gansu")
    QINGHAI = "63", _("Qinghai")
    NINGXIA = "64", _("Ningxia")
    XINJIANG = "65", _("Xinjiang")


class TerminalModel(models.TextChoices):
    COUNTERTOP = "countertop", _("Countertop terminal (wired, with printer)")
    MOBILE = "mobile", _("Mobile terminal (4G/Wi-Fi, with printer)")
    SMART = "smart", _("Smart terminal (Android, touch screen)")
