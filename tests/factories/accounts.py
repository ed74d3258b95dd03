import factory

from kmb.accounts.models import Organisation, Role, User
from kmb.territory.models import Municipality, Orp


class OrpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orp
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"ORP {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("orp", "name")

    name = factory.Sequence(lambda n: f"Obec {n}")
    orp = factory.SubFactory(OrpFactory)
    population = 1000


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A KMB office by default; traits for the other kinds."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"KMB {n}")
    kind = Organisation.Kind.KMB
    orp = factory.SubFactory(OrpFactory)

    class Params:
        municipal = factory.Trait(
            name=factory.LazyAttribute(lambda o: f"{o.municipality.name} – bytový odbor"),
            kind=Organisation.Kind.MUNICIPALITY,
            orp=None,
            municipality=factory.SubFactory(MunicipalityFactory),
        )
        provider = factory.Trait(
            name=factory.Sequence(lambda n: f"Poskytovatel {n}, z. s."),
            kind=Organisation.Kind.PROVIDER,
            orp=None,
        )
        administration = factory.Trait(
            name=factory.Sequence(lambda n: f"Správa {n}"),
            kind=Organisation.Kind.ADMINISTRATION,
            orp=None,
        )


class UserFactory(factory.django.DjangoModelFactory):
    """A KMB social worker by default; the role traits put the user in a fitting organisation."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Czech surnames agree with the gender of the first name (Novák / Nováková).
    first_name = factory.Maybe(
        "female",
        factory.Faker("first_name_female", locale="cs_CZ"),
        factory.Faker("first_name_male", locale="cs_CZ"),
    )
    last_name = factory.Maybe(
        "female",
        factory.Faker("last_name_female", locale="cs_CZ"),
        factory.Faker("last_name_male", locale="cs_CZ"),
    )
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cz")
    role = Role.SOCIAL_WORKER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password("kmb-demo-2026")

    class Params:
        female = factory.Faker("boolean", chance_of_getting_true=75)
        manager = factory.Trait(role=Role.MANAGER)
        housing_department = factory.Trait(
            role=Role.HOUSING_DEPARTMENT,
            organisation=factory.SubFactory(OrganisationFactory, municipal=True),
        )
        provider_staff = factory.Trait(
            role=Role.PROVIDER_STAFF,
            organisation=factory.SubFactory(OrganisationFactory, provider=True),
        )
        administrator = factory.Trait(
            role=Role.ADMINISTRATOR,
            organisation=factory.SubFactory(OrganisationFactory, administration=True),
        )
