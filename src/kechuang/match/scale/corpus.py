"""A seeded synthetic corpus of innovation resources and demands, for speed benchmarks and tests.

Real profiles cannot be shipped in millions, so the speed benchmark generates them: Chinese
(about three in four) and English texts of realistic length (a profile: 80-400 characters, or
40-150 words; a demand: shorter), built from the GB/T 13745 / GB/T 4754 names shipped in the
package (Zipf-distributed, as real term frequencies are) and an English technical vocabulary.
Facets (region, kind, industry, discipline, status) make filters selective in realistic ways.
Same seed, same corpus — on any machine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from kechuang.match.engine import Entity, Work
from kechuang.match.text.dictionary import codelist_terms

KINDS = ("expert", "society", "lab", "workstation", "achievement", "base", "enterprise")
KIND_WEIGHTS = (0.45, 0.03, 0.05, 0.02, 0.3, 0.03, 0.12)
REGIONS = tuple(f"region-{number:02d}" for number in range(30))
STATUSES = ("active", "active", "active", "active", "archived")

_ZH_PROFILE = (
    "{name}长期从事{t0}与{t1}研究，在{t2}、{t3}方面积累了丰富经验，主持完成{n}项省部级项目，"
    "可为企业提供{t4}技术咨询、工艺优化与成果转化服务。",
    "{name}围绕{t0}开展关键技术攻关，重点方向包括{t1}、{t2}和{t3}，拥有发明专利{n}项，"
    "已与多家企业在{t4}领域建立产学研合作。",
    "本成果涉及{t0}，通过{t1}与{t2}相结合，解决了{t3}中的关键问题，技术成熟度高，"
    "适用于{t4}等行业，可采用技术许可或作价入股方式转化。",
    "{name}依托{t0}学科优势，建设{t1}公共服务平台，面向{t2}企业开放共享仪器设备，"
    "在{t3}检测与{t4}标准制定方面具有特色。",
)
_ZH_EXTRA = (
    "团队现有研究人员{n}名，其中高级职称占比超过一半。",
    "近三年服务企业{n}家，技术合同成交额稳步增长。",
    "相关成果获省科技进步奖{n}项，并在兰州新区实现产业化应用。",
    "可开展{t0}方向的联合研发、人才培养和技术培训。",
    "在{t0}和{t1}交叉领域形成了系统的研究方法与工程经验。",
)
_ZH_DEMAND = (
    "寻求{t0}方面的专家，解决{t1}中的{t2}问题",
    "企业在{t0}生产中遇到{t1}难题，希望与高校合作开展{t2}技术攻关",
    "需要{t0}与{t1}相关的技术成果，用于{t2}产品升级",
)
_EN_VOCABULARY = """
    lithium battery cathode anode electrolyte sintering catalyst polymer composite alloy titanium
    magnesium aluminium steel corrosion coating membrane filtration desalination hydrogen fuel cell
    photovoltaic wafer perovskite semiconductor sensor laser optics fibre microwave antenna radar
    robotics actuator servo motor gearbox bearing turbine compressor pump valve pipeline welding
    machining casting forging additive manufacturing printing inspection ultrasonic tomography
    imaging diagnosis vaccine antibody protein enzyme fermentation probiotic genome sequencing
    crop seed irrigation drought salinity soil fertiliser pesticide livestock dairy forage grassland
    desert ecology wetland carbon capture emission combustion boiler coal gasification refinery
    petrochemical solvent pigment dye textile fibre leather paper packaging logistics warehouse
    railway locomotive bridge tunnel concrete asphalt geotechnical seismic landslide hydrology
    reservoir dam power grid transformer inverter converter storage supercapacitor flywheel
    software algorithm database cloud edge computing network security encryption blockchain
    learning neural vision speech language recommendation optimisation scheduling simulation
    digital twin control embedded firmware chip circuit packaging lithography etching deposition
    nanomaterial graphene ceramic glass rare earth magnet superconductor thermoelectric insulation
    medicine pharmacology traditional herbal extraction purification chromatography spectroscopy
    quality reliability fatigue fracture vibration noise acoustics aerodynamics combustion rocket
    satellite navigation remote sensing mapping surveying meteorology climate water treatment
    sewage sludge recycling waste plastic rubber tyre lubricant bearing friction wear tribology
"""
_EN_WORDS = tuple(_EN_VOCABULARY.split())
_EN_PROFILE = (
    "{name} works on {w0} {w1} and {w2} {w3}, with {n} patents on {w4} {w5}. ",
    "The team develops {w0} {w1} for {w2} {w3} and offers consulting on {w4} {w5}. ",
    "This achievement combines {w0} {w1} with {w2} {w3} to improve {w4} {w5} at low cost. ",
    "Services include testing of {w0} {w1}, pilot production of {w2} {w3} and training in {w4}. ",
)
_EN_DEMAND = (
    "looking for experts in {w0} {w1} to solve {w2} {w3} problems",
    "need a partner for {w0} {w1} and {w2} process improvement",
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜"


@cache
def _codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Level-2 discipline and industry codes from the shipped code lists."""
    package = resources.files("kechuang") / "data" / "codelists"
    disciplines = []
    for line in (package / "gbt13745_2009_disciplines.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["level"] == 2:
                disciplines.append(str(row["code"]))
    industries = []
    for line in (package / "gbt4754_2017_industries.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["level"] == 3:
                industries.append(str(row["code"]))
    return tuple(disciplines), tuple(industries)


_KIND_CDF = np.cumsum(KIND_WEIGHTS) / sum(KIND_WEIGHTS)


def _draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> list[int]:
    """``size`` indices drawn from the distribution with cumulative weights ``cdf``."""
    picks = np.searchsorted(cdf, rng.random(size), side="right")
    return [min(int(pick), cdf.size - 1) for pick in picks]


@dataclass(frozen=True)
class Resource:
    """One generated resource: the entity and its profile text (one work)."""

    entity: Entity
    work: Work


class CorpusGenerator:
    """Deterministic resources and demands from one seed."""

    def __init__(self, seed: int = 20260827) -> None:
        self.seed = seed
        self.terms = codelist_terms()
        ranks = np.arange(1, len(self.terms) + 1, dtype=np.float64)
        self._term_cdf = np.cumsum(1.0 / ranks) / (1.0 / ranks).sum()
        words = np.arange(1, len(_EN_WORDS) + 1, dtype=np.float64)
        self._word_cdf = np.cumsum(1.0 / words**0.8) / (1.0 / words**0.8).sum()
        self.disciplines, self.industries = _codes()
        # A fixed shuffle so the Zipf head is not the code lists' alphabetical start.
        order = np.random.default_rng(seed).permutation(len(self.terms))
        self.terms = tuple(self.terms[i] for i in order)

    def _zh(self, rng: np.random.Generator, name: str, long: bool) -> str:
        picks = _draw(rng, self._term_cdf, 10)
        slots = {f"t{i}": self.terms[picks[i]] for i in range(5)}
        text = _ZH_PROFILE[int(rng.integers(len(_ZH_PROFILE)))].format(
            name=name, n=int(rng.integers(1, 30)), **slots
        )
        extras = int(rng.integers(0, 4 if long else 2))
        for i in range(extras):
            more = {"t0": self.terms[picks[5 + i]], "t1": self.terms[picks[9 - i]]}
            text += _ZH_EXTRA[int(rng.integers(len(_ZH_EXTRA)))].format(
                n=int(rng.integers(2, 60)), **more
            )
        return text

    def _en(self, rng: np.random.Generator, name: str) -> str:
        sentences = int(rng.integers(2, 8))
        parts = []
        for _ in range(sentences):
            picks = _draw(rng, self._word_cdf, 6)
            slots = {f"w{i}": _EN_WORDS[picks[i]] for i in range(6)}
            template = _EN_PROFILE[int(rng.integers(len(_EN_PROFILE)))]
            parts.append(template.format(name=name, n=int(rng.integers(1, 30)), **slots))
        return "".join(parts).strip()

    def resource(self, number: int) -> Resource:
        """Resource ``number`` (independent of how many are generated: same id, same record)."""
        rng = np.random.default_rng([self.seed, number])
        kind = KINDS[int(np.searchsorted(_KIND_CDF, rng.random(), side="right"))]
        english = rng.random() < 0.25
        if english:
            name = f"Team {number}"
            text = self._en(rng, name)
        else:
            surname = _SURNAMES[int(rng.integers(len(_SURNAMES)))]
            name = f"{surname}{number}" if kind == "expert" else f"资源{number}"
            text = self._zh(rng, name, long=rng.random() < 0.5)
        metadata = {
            "region": REGIONS[int(rng.integers(len(REGIONS)))],
            "industry": self.industries[int(rng.integers(len(self.industries)))][:2],
            "discipline": self.disciplines[int(rng.integers(len(self.disciplines)))][:3],
            "status": STATUSES[int(rng.integers(len(STATUSES)))],
            "language": "en" if english else "zh",
        }
        entity = Entity(id=f"r{number}", kind=kind, name=name, metadata=metadata)
        work = Work(id=f"w{number}", text=text, title=name, owners=(entity.id,))
        return Resource(entity=entity, work=work)

    def resources(self, count: int, start: int = 0) -> Iterator[Resource]:
        """Resources ``start`` .. ``start + count - 1``."""
        for number in range(start, start + count):
            yield self.resource(number)

    def demand(self, number: int) -> str:
        """A short demand text (Chinese three times in four), seeded apart from the resources."""
        rng = np.random.default_rng([self.seed, 1_000_000_007, number])
        if rng.random() < 0.25:
            picks = _draw(rng, self._word_cdf, 4)
            slots = {f"w{i}": _EN_WORDS[picks[i]] for i in range(4)}
            return _EN_DEMAND[int(rng.integers(len(_EN_DEMAND)))].format(**slots)
        picks = _draw(rng, self._term_cdf, 3)
        slots = {f"t{i}": self.terms[picks[i]] for i in range(3)}
        return _ZH_DEMAND[int(rng.integers(len(_ZH_DEMAND)))].format(**slots)

    def demands(self, count: int) -> list[str]:
        """The first ``count`` demands."""
        return [self.demand(number) for number in range(count)]
