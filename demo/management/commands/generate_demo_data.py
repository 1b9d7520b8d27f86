"""python manage.py generate_demo_data [--seed S] [--children N] [--start-year Y] [--append]

Synthetic case records only (demo.generator): never real children's data.
"""

from django.core.management.base import BaseCommand, CommandError

from demo import generator, profiles


class Command(BaseCommand):
    help = (
        "Generate synthetic demo case records: children DEMO0000001 onwards with their referrals, strategy "
        f"discussions, S47 enquiries (about {profiles.S47_PER_CHILD} per child: --children 400000 gives about a "
        "million), CP plans and looked-after episodes, from the start year up to today. The same seed and "
        "number of children give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=profiles.DEFAULT_SEED, help="Default: %(default)s.")
        parser.add_argument(
            "--children",
            type=int,
            default=2000,
            help=f"How many children to generate (about {profiles.S47_PER_CHILD} S47 enquiries each). "
            "Default: %(default)s.",
        )
        parser.add_argument(
            "--start-year",
            type=int,
            default=profiles.DEFAULT_START_YEAR,
            help="Records run from 1 January of this year to today. Default: %(default)s.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add children after the highest DEMO child already in the database (without it, the "
            "command refuses to run when demo children exist).",
        )
        parser.add_argument("--batch-size", type=int, default=generator.BATCH_SIZE, help="Rows per INSERT.")

    def handle(
        self, *args, seed: int, children: int, start_year: int, append: bool, batch_size: int, **options
    ):
        if children < 1:
            raise CommandError("--children must be at least 1.")
        first_number = generator.next_child_number()
        if first_number > 1 and not append:
            raise CommandError(
                f"Demo children already exist (up to {profiles.CHILD_PREFIX}{first_number - 1:07d}). "
                "Use --append to add more after them, or start from an empty database."
            )
        if first_number + children - 1 > 9_999_999:
            raise CommandError("Demo child ids have seven digits: at most 9,999,999 demo children.")
        self.stdout.write(
            f"Generating {children} demo children from {profiles.CHILD_PREFIX}{first_number:07d} "
            f"(seed {seed}, from {start_year})..."
        )
        step = max(children // 10, 1)
        reported = [0]

        def progress(counts: generator.DemoCounts) -> None:
            if counts.children - reported[0] >= step and counts.children < children:
                reported[0] = counts.children
                done = f"{counts.children} children, {counts.s47_enquiries} S47 enquiries"
                self.stdout.write(f"  {done} ({counts.seconds:.0f} s)")

        try:
            counts = generator.generate(
                seed=seed,
                children=children,
                start_year=start_year,
                first_number=first_number,
                batch_size=batch_size,
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for line in counts.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {counts.seconds:.1f} seconds."))
