"""`certflow dev`'s people have addresses: newly registered, and also when an earlier run
registered them before people had addresses (an address they chose since stays). In a
database of the test's own: the demo's organisations are the test programme's too."""

from pydantic import SecretStr

from certflow.demo import SECRETARIAT, member_actor
from certflow.demo_people import demo_address, seed_people
from domain.actors import Role
from eventstore.database import create_engine
from identity.contact import ContactChange, Contacts
from identity.directory import Directory, NewUser
from identity.principal import OrganisationKind
from tests.databases import own_database


async def test_every_demo_person_has_an_address_also_when_registered_before_addresses(server_url: str) -> None:
    async with own_database(server_url, "certflow_demo") as url:
        engine = create_engine(url)
        try:
            before_addresses = NewUser(
                user_id=SECRETARIAT.user_id,
                name="Sam",
                organisation_id=SECRETARIAT.organisation_id,
                organisation_name="Aluminium Stewardship Initiative",
                organisation_kind=OrganisationKind.SECRETARIAT,
                role=Role.SECRETARIAT,
                password=SecretStr("demo-secretariat"),
            )
            await Directory(engine).create_user(before_addresses)
            logins = await seed_people(engine)
            contacts = Contacts(engine)
            addresses = {login.actor.user_id: (await contacts.details(login.actor.user_id)) for login in logins}
            nordic = member_actor("nordic-alu")
            await contacts.change(nordic.user_id, ContactChange(email="eva@nordic.example"))
            await seed_people(engine)
            kept = await contacts.details(nordic.user_id)
        finally:
            await engine.dispose()

    assert {user: d.email if d else None for user, d in addresses.items()} == {
        login.actor.user_id: demo_address(login.actor) for login in logins
    }
    secretary = addresses[SECRETARIAT.user_id]
    assert secretary is not None and secretary.email == "sam.secretariat@asi.example.org"
    assert demo_address(nordic) == "admin@nordic-alu.example.org"
    assert kept is not None and kept.email == "eva@nordic.example"
