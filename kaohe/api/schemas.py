"""Response shapes of the API. People are named by their personnel number (`id`)."""

from __future__ import annotations

from collections.abc import Iterable

from ninja import Schema

from kaohe.org import models
from kaohe.org.access import Actor


class SectionRef(Schema):
    code: str
    name: str

    @classmethod
    def of_optional(cls, section: models.Section | None) -> SectionRef | None:
        return cls(code=section.code, name=section.name) if section else None


class Person(Schema):
    id: str
    name: str
    organ: str
    section: SectionRef | None
    category: str
    title: str
    rank: str
    frontline: bool
    active: bool

    @classmethod
    def of(cls, person: models.Person) -> Person:
        return cls(
            id=person.personnel_no, name=person.name, organ=person.organ.code,
            section=SectionRef.of_optional(person.section), category=person.category,
            title=person.title, rank=person.rank, frontline=person.frontline,
            active=person.active,
        )


class PersonRef(Schema):
    id: str
    name: str

    @classmethod
    def of_optional(cls, person: models.Person | None) -> PersonRef | None:
        return cls(id=person.personnel_no, name=person.name) if person else None


class Section(Schema):
    code: str
    name: str
    frontline: bool
    leader_in_charge: PersonRef | None
    headcount: int

    @classmethod
    def of(cls, section: models.Section) -> Section:
        return cls(
            code=section.code, name=section.name, frontline=section.frontline,
            leader_in_charge=PersonRef.of_optional(section.leader_in_charge),
            headcount=getattr(section, "headcount", 0),
        )


class Organ(Schema):
    code: str
    name: str
    principal: PersonRef | None
    filed_with: str | None
    headcount: int
    assessed: int

    @classmethod
    def of(cls, organ: models.Organ) -> Organ:
        return cls(
            code=organ.code, name=organ.name, principal=PersonRef.of_optional(organ.principal),
            filed_with=organ.filed_with.code if organ.filed_with else None,
            headcount=getattr(organ, "headcount", 0), assessed=getattr(organ, "assessed", 0),
        )


class OrganDetail(Organ):
    sections: list[Section]

    @classmethod
    def of(  # type: ignore[override]
        cls, organ: models.Organ, sections: Iterable[models.Section]
    ) -> OrganDetail:
        base = Organ.of(organ).dict()
        return cls(**base, sections=[Section.of(s) for s in sections])


class Me(Schema):
    username: str
    person: Person | None
    roles: list[str]
    technical_role: str
    organ: str | None

    @classmethod
    def of(cls, actor: Actor) -> Me:
        person = actor.person
        return cls(
            username=actor.user.get_username() if actor.user else "",
            person=Person.of(person) if person else None,
            roles=sorted(actor.roles),
            technical_role=actor.technical_role,
            organ=person.organ.code if person else None,
        )
