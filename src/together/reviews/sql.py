"""Plain SQL for the statements every respondent runs on nearly every page.

Building a query through the ORM costs a few hundred microseconds each time, several times the
cost of running it. These few statements are built once per kind of database from the models'
own metadata (table and column names, never input) and then only executed. Values go in through
each field's own preparation and rows come back through each field's own converters, as the ORM
would do it, so the instances are the same as the ORM would give.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

from together.frameworks.models import FrameworkVersion
from together.partnerships.models import Organisation, Partnership, RespondentGroup

from .models import Answer, Comment, Priority, Response, ResponseState, Round, UsedKey

# Whether the draft in ``d`` may still be sent: a personal invitation's always, an open-link
# draft only while its round's open link is on. A scalar subquery rather than a join, so that
# locking the draft for sending does not lock its round's row as well.
# A draft may be sent while its round is open, and, if it came through the open link, while that
# link is on. The round's row is read with a share lock where the database has one, so closing
# the round (which locks it for update) waits for sends under way, and no send lands after it:
# the release made from a closed round then holds every response the round will ever have.
_MAY_SEND = (
    "((SELECT r.{state} FROM {round} r WHERE r.{round_id} = d.{round_column}{share}) = 'open' "
    "AND (d.{invitation_digest} IS NOT NULL "
    "OR (SELECT r.{open_link} FROM {round} r WHERE r.{round_id} = d.{round_column})))"
)


class _Reader:
    """Selects a model's columns under a table alias and turns them back into an instance."""

    def __init__(self, model, alias: str, skip: Iterable[str] = ()):
        quote = connection.ops.quote_name
        # In the model's own field order: Model.from_db fills deferred fields by that order.
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in set(skip)]
        self.attnames = [f.attname for f in self.fields]
        self.columns = ", ".join(f"{quote(alias)}.{quote(f.column)}" for f in self.fields)
        self.converters = [_converters(field, alias) for field in self.fields]

    def values(self, row: Iterable) -> list:
        converted = []
        for value, (column, converters) in zip(row, self.converters, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            converted.append(value)
        return converted

    def build(self, row: Iterable):
        # Without pre_init or post_init receivers, Model.__init__ only copies the values in;
        # doing that directly halves the cost of the instances every page builds.
        if pre_init.has_listeners(self.model) or post_init.has_listeners(self.model):
            return self.model.from_db(connection.alias, self.attnames, self.values(row))
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.attnames, self.values(row), strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, connection.alias
        return instance


def _converters(field, alias: str) -> tuple:
    """What the ORM applies to this column's values as they come back from the database."""
    column = field.get_col(alias)
    return column, connection.ops.get_db_converters(column) + field.get_db_converters(connection)


def _split(row: tuple, *readers: _Reader) -> list:
    """Instances from one row that selected each reader's columns in turn."""
    built, start = [], 0
    for reader in readers:
        built.append(reader.build(row[start : start + len(reader.fields)]))
        start += len(reader.fields)
    return built


def _rows(width: int, count: int) -> str:
    """``(%s, …), (%s, …)``: the VALUES of a statement inserting ``count`` rows at once."""
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


class _Statements:
    """Every statement, written out for one kind of database."""

    def __init__(self):
        quote = connection.ops.quote_name

        def table(model) -> str:
            return quote(model._meta.db_table)

        def column(model, name: str) -> str:
            return quote(model._meta.get_field(name).column)

        self.response = _Reader(Response, "d")
        self.round = _Reader(Round, "r")
        self.version = _Reader(FrameworkVersion, "v", skip=("content",))  # parsed once per process elsewhere
        # Only names from the models' metadata, quoted, are written into these; values are parameters.
        version_id, pinned = column(FrameworkVersion, "id"), column(Round, "framework_version")
        self.draft = (
            f"SELECT {self.response.columns}, {self.round.columns}, {self.version.columns} "  # noqa: S608
            f"FROM {table(Response)} d "
            f"JOIN {table(Round)} r ON r.{column(Round, 'id')} = d.{column(Response, 'round')} "
            f"JOIN {table(FrameworkVersion)} v ON v.{version_id} = r.{pinned} "
            f"WHERE d.{column(Response, 'resume_digest')} = %s"
        )
        # A theme page's draft with its comment on the theme, then the draft's saved answers, a
        # row each: the whole page's reading in one statement. Each part is a lookup by a unique
        # key, so its plan cannot turn into a scan of every answer as the table grows.
        nulls = ", ".join(["NULL"] * (len(self.response.fields) + len(self.round.fields) + len(self.version.fields)))
        self.draft_and_answers = (
            f"SELECT {self.response.columns}, {self.round.columns}, {self.version.columns}, NULL, NULL, NULL, "  # noqa: S608
            f"(SELECT c.{column(Comment, 'text')} FROM {table(Comment)} c "
            f"WHERE c.{column(Comment, 'response')} = d.{column(Response, 'id')} "
            f"AND c.{column(Comment, 'theme_id')} = %s) "
            f"FROM {table(Response)} d "
            f"JOIN {table(Round)} r ON r.{column(Round, 'id')} = d.{column(Response, 'round')} "
            f"JOIN {table(FrameworkVersion)} v ON v.{version_id} = r.{pinned} "
            f"WHERE d.{column(Response, 'resume_digest')} = %s "
            f"UNION ALL SELECT {nulls}, a.{column(Answer, 'statement_id')}, a.{column(Answer, 'value')}, "
            f"a.{column(Answer, 'target')}, NULL "
            f"FROM {table(Answer)} a WHERE a.{column(Answer, 'response')} = "
            f"(SELECT {column(Response, 'id')} FROM {table(Response)} WHERE {column(Response, 'resume_digest')} = %s)"
        )
        # A theme page's saved answers and its comment in one statement: rows with a statement id
        # are answers, the row without one is the comment.
        self.answers_and_comment = (
            f"SELECT {column(Answer, 'statement_id')}, {column(Answer, 'value')}, {column(Answer, 'target')}, "  # noqa: S608
            f"NULL FROM {table(Answer)} WHERE {column(Answer, 'response')} = %s "
            f"UNION ALL SELECT NULL, NULL, NULL, {column(Comment, 'text')} FROM {table(Comment)} "
            f"WHERE {column(Comment, 'response')} = %s AND {column(Comment, 'theme_id')} = %s"
        )
        self.answer_columns = ("id", "response", "round", "statement_id", "value", "target", "submitted")
        insert_answers = f"INSERT INTO {table(Answer)} ({', '.join(column(Answer, n) for n in self.answer_columns)}) "  # noqa: S608
        replace_answers = (
            f" ON CONFLICT ({column(Answer, 'response')}, {column(Answer, 'statement_id')}) "
            f"DO UPDATE SET {column(Answer, 'value')} = excluded.{column(Answer, 'value')}, "
            f"{column(Answer, 'target')} = excluded.{column(Answer, 'target')}"
        )
        self.upsert_answers = insert_answers + "VALUES {rows}" + replace_answers
        self.comment_columns = ("id", "response", "theme_id", "text", "hidden")
        comment_columns = ", ".join(column(Comment, n) for n in self.comment_columns)
        insert_comment = f"INSERT INTO {table(Comment)} ({comment_columns}) "  # noqa: S608
        replace_comment = (
            f" ON CONFLICT ({column(Comment, 'response')}, {column(Comment, 'theme_id')}) "
            f"DO UPDATE SET {column(Comment, 'text')} = excluded.{column(Comment, 'text')}"
        )
        comment_values = ", ".join(["%s"] * len(self.comment_columns))
        self.upsert_comment = insert_comment + f"VALUES ({comment_values})" + replace_comment
        self.delete_comment = (
            f"DELETE FROM {table(Comment)} "  # noqa: S608
            f"WHERE {column(Comment, 'response')} = %s AND {column(Comment, 'theme_id')} = %s"
        )
        # Everything the check-your-answers page shows, in one statement: each row is marked with
        # what it is (answer, comment, chosen theme, organisation name, group name).
        self.everything = (
            f"SELECT 'a', {column(Answer, 'statement_id')}, {column(Answer, 'value')}, "  # noqa: S608
            f"{column(Answer, 'target')}, NULL FROM {table(Answer)} WHERE {column(Answer, 'response')} = %s "
            f"UNION ALL SELECT 'c', {column(Comment, 'theme_id')}, NULL, NULL, {column(Comment, 'text')} "
            f"FROM {table(Comment)} WHERE {column(Comment, 'response')} = %s "
            f"UNION ALL SELECT 'p', {column(Priority, 'theme_id')}, NULL, NULL, NULL "
            f"FROM {table(Priority)} WHERE {column(Priority, 'response')} = %s "
            f"UNION ALL SELECT 'o', NULL, NULL, NULL, {column(Organisation, 'name')} "
            f"FROM {table(Organisation)} WHERE {column(Organisation, 'id')} = %s "
            f"UNION ALL SELECT 'g', NULL, NULL, NULL, {column(RespondentGroup, 'name')} "
            f"FROM {table(RespondentGroup)} WHERE {column(RespondentGroup, 'id')} = %s"
        )
        self.priorities = (
            f"SELECT {column(Priority, 'theme_id')} FROM {table(Priority)} "  # noqa: S608
            f"WHERE {column(Priority, 'response')} = %s"
        )
        self.draft_key = _Reader(
            Response,
            "d",
            skip=[
                f.attname
                for f in Response._meta.concrete_fields
                if f.name not in ("id", "organisation", "group", "used_digest")
            ],
        )
        may_send = _MAY_SEND.format(
            state=column(Round, "state"),
            share=" FOR SHARE" if connection.features.has_select_for_update else "",
            invitation_digest=column(Response, "invitation_digest"),
            open_link=column(Round, "open_link_enabled"),
            round=table(Round),
            round_id=column(Round, "id"),
            round_column=column(Response, "round"),
        )
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        self.lock_draft = (
            f"SELECT {self.draft_key.columns}, {may_send} FROM {table(Response)} d "  # noqa: S608
            f"WHERE d.{column(Response, 'round')} = %s AND d.{column(Response, 'resume_digest')} = %s "
            f"AND d.{column(Response, 'state')} = %s{lock}"
        )
        self.answered = (
            f"SELECT {column(Answer, 'statement_id')} FROM {table(Answer)} "  # noqa: S608
            f"WHERE {column(Answer, 'response')} = %s"
        )
        # Sending erases every digest the draft was found by, and what it was to record as used.
        forget = ", ".join(f"{column(Response, name)} = NULL" for name in DRAFT_DIGESTS)
        self.send = (
            f"UPDATE {table(Response)} SET {column(Response, 'state')} = %s, {forget}, "  # noqa: S608
            f"{column(Response, 'submitted_on')} = %s, "
            f"{column(Response, 'updated_on')} = %s, {column(Response, 'language')} = %s "
            f"WHERE {column(Response, 'id')} = %s"
        )
        self.fix_labels = [
            f"UPDATE {table(model)} SET {column(model, 'submitted')} = %s, "  # noqa: S608
            f"{column(model, 'organisation')} = %s, {column(model, 'group')} = %s "
            f"WHERE {column(model, 'response')} = %s"
            for model in (Answer, Priority)
        ]
        self.used_key = (
            f"INSERT INTO {table(UsedKey)} ({column(UsedKey, 'digest')}, {column(UsedKey, 'round')}) "  # noqa: S608
            "VALUES {rows}"
        )
        # Moving a draft to another browser: its resume digest becomes that of the new browser's
        # key, found by the old key's digest (a resume link) or by the invitation's token.
        self.move_draft = {
            name: (
                f"UPDATE {table(Response)} SET {column(Response, 'resume_digest')} = %s "  # noqa: S608
                f"WHERE {column(Response, 'round')} = %s AND {column(Response, name)} = %s "
                f"AND {column(Response, 'state')} = %s"
            )
            for name in ("resume_digest", "invitation_digest")
        }
        self.partnership = _Reader(Partnership, "p")
        self.round_by = {
            name: (
                f"SELECT {self.round.columns}, {self.partnership.columns}, {self.version.columns} "  # noqa: S608
                f"FROM {table(Round)} r "
                f"JOIN {table(Partnership)} p ON p.{column(Partnership, 'id')} = r.{column(Round, 'partnership')} "
                f"JOIN {table(FrameworkVersion)} v ON v.{version_id} = r.{pinned} "
                f"WHERE r.{column(Round, name)} = %s"
            )
            for name in ("open_link_code", "public_id")
        }
        self.delete_priorities = f"DELETE FROM {table(Priority)} WHERE {column(Priority, 'response')} = %s"  # noqa: S608
        self.priority_columns = ("id", "response", "round", "theme_id", "submitted")
        self.insert_priorities = (
            f"INSERT INTO {table(Priority)} ({', '.join(column(Priority, n) for n in self.priority_columns)}) "  # noqa: S608
            "VALUES {rows}"
        )
        self.organisation = _Reader(Organisation, "o")
        self.group = _Reader(RespondentGroup, "g")
        # Both lists in one statement, organisations first, each in the order its model's
        # Meta.ordering gives (name; position, then name). A row carries one model's columns and
        # NULL for the other's.
        organisation_nulls = ", ".join(["NULL"] * len(self.organisation.fields))
        group_nulls = ", ".join(["NULL"] * len(self.group.fields))
        group_position = 2 + len(self.organisation.fields) + self.group.attnames.index("position")
        group_name = 2 + len(self.organisation.fields) + self.group.attnames.index("name")
        self.choices = (
            f"SELECT 0, {self.organisation.columns}, {group_nulls} FROM {table(Organisation)} o "  # noqa: S608
            f"WHERE o.{column(Organisation, 'partnership')} = %s "
            f"UNION ALL SELECT 1, {organisation_nulls}, {self.group.columns} FROM {table(RespondentGroup)} g "
            f"WHERE g.{column(RespondentGroup, 'partnership')} = %s "
            f"ORDER BY 1, {2 + self.organisation.attnames.index('name')}, {group_position}, {group_name}"
        )
        self.start_draft = (
            f"INSERT INTO {table(Response)} ({', '.join(quote(f.column) for f in self.response.fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(self.response.fields))}) "
            # Either digest may already have its draft: then nothing is inserted.
            "ON CONFLICT DO NOTHING"
        )
        self.touch: dict[tuple[str, ...], str] = {}
        self.touch_prefix = f"UPDATE {table(Response)} SET "  # noqa: S608
        self.touch_where = f" WHERE {column(Response, 'id')} = %s AND {column(Response, 'state')} = %s"
        self.response_columns = {f.name: quote(f.column) for f in Response._meta.concrete_fields}

        # Where the database can change several tables in one statement (PostgreSQL, with
        # data-modifying WITH clauses), a page's whole save is one statement rather than a
        # transaction of five: the draft's row is updated first, and the rest happens only if it
        # was still a draft. Rows come from a VALUES list whose values are cast to the columns'
        # types, as nothing else tells the database what a parameter there is.
        self.one_statement = connection.vendor == "postgresql"
        self.saves: dict[tuple, str] = {}
        if self.one_statement:

            def typed_row(model, names) -> str:
                casts = (f"CAST(%s AS {model._meta.get_field(n).cast_db_type(connection)})" for n in names)
                return "(" + ", ".join(casts) + ")"

            still_draft = " WHERE EXISTS (SELECT 1 FROM d)"
            self.answer_row = typed_row(Answer, self.answer_columns)
            self.insert_answers_if_draft = (
                insert_answers + "SELECT * FROM (VALUES {rows}) AS v" + still_draft + replace_answers  # noqa: S608
            )
            self.upsert_comment_if_draft = (
                insert_comment  # noqa: S608
                + f"SELECT * FROM (VALUES {typed_row(Comment, self.comment_columns)}) AS v"  # noqa: S608
                + still_draft
                + replace_comment
            )
            self.delete_comment_if_draft = self.delete_comment + " AND EXISTS (SELECT 1 FROM d)"  # noqa: S608
            self.priority_row = typed_row(Priority, self.priority_columns)
            self.insert_priorities_if_draft = (
                f"INSERT INTO {table(Priority)} ({', '.join(column(Priority, n) for n in self.priority_columns)}) "  # noqa: S608
                "SELECT * FROM (VALUES {rows}) AS v" + still_draft + " "
                f"ON CONFLICT ({column(Priority, 'response')}, {column(Priority, 'theme_id')}) DO NOTHING"
            )
            self.delete_other_priorities_if_draft = (
                f"{self.delete_priorities} AND NOT ({column(Priority, 'theme_id')} = ANY(%s)) "  # noqa: S608
                "AND EXISTS (SELECT 1 FROM d)"
            )
            self.returning_id = f" RETURNING {column(Response, 'id')}"

            # Sending, in one statement: lock the draft, check that every statement has an
            # answer, then what mark_sent does. Gives (drafts found, drafts sent).
            response_key = column(Response, "id")
            labels = ", ".join(
                f"c{number} AS (UPDATE {table(model)} SET {column(model, 'submitted')} = %s, "  # noqa: S608
                f"{column(model, 'organisation')} = ready.organisation, {column(model, 'group')} = ready.grp "
                f"FROM ready WHERE {table(model)}.{column(model, 'response')} = ready.key)"
                for number, model in enumerate((Answer, Priority), 1)
            )
            # Nothing here touches the invitations: a row written in the same transaction as the
            # response would carry the same transaction id (xmin) and so pair the two.
            self.send_draft = (
                f"WITH d AS (SELECT d.{response_key} AS key, d.{column(Response, 'organisation')} AS organisation, "  # noqa: S608
                f"d.{column(Response, 'group')} AS grp, d.{column(Response, 'used_digest')} AS used, "
                f"{may_send} AS may_send FROM {table(Response)} d "
                f"WHERE d.{column(Response, 'round')} = %s AND d.{column(Response, 'resume_digest')} = %s "
                f"AND d.{column(Response, 'state')} = %s FOR UPDATE), "
                f"ready AS (SELECT * FROM d WHERE may_send AND (SELECT count(*) FROM {table(Answer)} a "
                f"WHERE a.{column(Answer, 'response')} = d.key "
                f"AND a.{column(Answer, 'statement_id')} = ANY(%s)) = %s), "
                f"s AS (UPDATE {table(Response)} SET {column(Response, 'state')} = %s, {forget}, "
                f"{column(Response, 'submitted_on')} = %s, "
                f"{column(Response, 'updated_on')} = %s, {column(Response, 'language')} = %s "
                f"WHERE {response_key} IN (SELECT key FROM ready) "
                f"RETURNING {response_key}), "
                f"{labels}, "
                f"c3 AS (INSERT INTO {table(UsedKey)} ({column(UsedKey, 'digest')}, {column(UsedKey, 'round')}) "
                "SELECT %s, %s FROM ready UNION ALL SELECT used, %s FROM ready WHERE used IS NOT NULL AND used <> %s) "
                "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM d WHERE may_send), (SELECT count(*) FROM s)"
            )


_statements: dict[str, _Statements] = {}

# The draft's columns that lead to it or to its respondent, all erased when it is sent.
DRAFT_DIGESTS = ("resume_digest", "invitation_digest", "used_digest")


def _sql() -> _Statements:
    statements = _statements.get(connection.vendor)
    if statements is None:
        statements = _statements[connection.vendor] = _Statements()
    return statements


def _prepare(model, name: str, value):
    if isinstance(value, Model):  # a related object: its key is what is stored
        value = value.pk
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def find_draft(digest: str) -> Response | None:
    """The draft with this digest, with its round and the round's framework version (without the
    framework's text) loaded alongside, in one statement."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.draft, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    response, round_, round_.framework_version = _split(row, sql.response, sql.round, sql.version)
    response.round = round_
    return response


def find_draft_and_answers(
    digest: str, theme_id: str
) -> tuple[Response | None, dict[str, int | None], str, dict[str, int | None]]:
    """:func:`find_draft` and :func:`saved_answers` at once, for a theme page: the draft with its
    round, every answer it holds, its comment on this theme, and every target rating it holds
    (statement id → target; empty where the framework asks one question), in one statement."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.draft_and_answers, [theme_id, digest, digest])
        rows = cursor.fetchall()
    width = len(sql.response.fields) + len(sql.round.fields) + len(sql.version.fields)
    # The draft's row is the one with no statement id; UNION ALL promises no order.
    drafts = [row for row in rows if row[width] is None]
    if not drafts:
        return None, {}, "", {}
    response, round_, round_.framework_version = _split(drafts[0][:width], sql.response, sql.round, sql.version)
    response.round = round_
    answers = {row[width]: row[width + 1] for row in rows if row[width] is not None}
    targets = {row[width]: row[width + 2] for row in rows if row[width] is not None}
    return response, answers, drafts[0][width + 3] or "", targets


def saved_answers(response: Response, theme_id: str) -> tuple[dict[str, int | None], str, dict[str, int | None]]:
    """Every answer the draft holds (statement id → value, None for "don't know"), its comment
    on this theme ("" if none) and every target rating (statement id → target)."""
    sql = _sql()
    key = _prepare(Answer, "response", response.pk)
    answers, comment, targets = {}, "", {}
    with connection.cursor() as cursor:
        cursor.execute(sql.answers_and_comment, [key, key, theme_id])
        for statement_id, value, target, text in cursor.fetchall():
            if statement_id is None:
                comment = text
            else:
                answers[statement_id] = value
                targets[statement_id] = target
    return answers, comment, targets


def _touch(sql: _Statements, response: Response, fields: Mapping[str, object]) -> tuple[str, list]:
    """The statement that sets these fields on the draft while it is still one, and its values."""
    names = tuple(fields)
    statement = sql.touch.get(names)
    if statement is None:
        assignments = ", ".join(f"{sql.response_columns[name]} = %s" for name in names)
        statement = sql.touch[names] = sql.touch_prefix + assignments + sql.touch_where
    values = [_prepare(Response, name, value) for name, value in fields.items()]
    return statement, [*values, _prepare(Response, "id", response.pk), ResponseState.DRAFT]


def touch(response: Response, fields: Mapping[str, object]) -> bool:
    """Set these fields on the draft; False, and nothing changed, once it is no longer a draft."""
    statement, values = _touch(_sql(), response, fields)
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        return cursor.rowcount == 1


def _answer_values(
    response: Response, ratings: Mapping[str, int | None], targets: Mapping[str, int | None] | None = None
) -> list:
    key = _prepare(Answer, "response", response.pk)
    targets = targets or {}
    values: list = []
    for statement_id, value in ratings.items():
        target = targets.get(statement_id)
        values += [_prepare(Answer, "id", uuid.uuid4()), key, response.round_id, statement_id, value, target, False]
    return values


def _priority_values(response: Response, theme_ids: list[str]) -> list:
    key = _prepare(Priority, "response", response.pk)
    values: list = []
    for theme_id in theme_ids:
        values += [_prepare(Priority, "id", uuid.uuid4()), key, response.round_id, theme_id, False]
    return values


def _if_draft(sql: _Statements, response: Response, fields: Mapping[str, object], kind: tuple, build) -> tuple:
    """One statement: touch the draft (``fields``), then the other changes, which ``build`` writes
    as WITH clauses reading ``d``, the touched draft; it returns whether the draft was touched."""
    statement = sql.saves.get(kind)
    touch_statement, values = _touch(sql, response, fields)
    if statement is None:
        clauses = ", ".join(f"c{number} AS ({clause})" for number, clause in enumerate(build(), 1))
        statement = f"WITH d AS ({touch_statement}{sql.returning_id}), {clauses} SELECT count(*) FROM d"  # noqa: S608
        sql.saves[kind] = statement
    return statement, values


def save_theme(
    response: Response,
    fields: Mapping[str, object],
    ratings: Mapping[str, int | None],
    theme_id: str,
    comment: str,
    targets: Mapping[str, int | None] | None = None,
) -> bool:
    """Touch the draft (``fields``) and replace its answers (with their ``targets``, where the
    framework asks for them) and its comment on this theme (an
    empty comment removes it), all or nothing; False, and nothing changed, once it is no longer a
    draft. The draft's row is written first, so a submission running at the same time waits for
    this (or this for it), and answers never change once the response has been sent."""
    sql = _sql()
    comment_key = [_prepare(Comment, "response", response.pk), theme_id]
    comment_values = [_prepare(Comment, "id", uuid.uuid4()), *comment_key, comment, False] if comment else comment_key
    if not sql.one_statement:
        with transaction.atomic():
            if not touch(response, fields):
                return False
            with connection.cursor() as cursor:
                if ratings:
                    statement = sql.upsert_answers.format(rows=_rows(len(sql.answer_columns), len(ratings)))
                    cursor.execute(statement, _answer_values(response, ratings, targets))
                cursor.execute(sql.upsert_comment if comment else sql.delete_comment, comment_values)
        return True

    def build():
        if ratings:
            yield sql.insert_answers_if_draft.format(rows=", ".join([sql.answer_row] * len(ratings)))
        yield sql.upsert_comment_if_draft if comment else sql.delete_comment_if_draft

    kind = ("theme", tuple(fields), len(ratings), bool(comment))
    statement, values = _if_draft(sql, response, fields, kind, build)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *_answer_values(response, ratings, targets), *comment_values])
        return cursor.fetchone()[0] == 1


def everything_saved(response: Response) -> tuple[dict, dict, set, str | None, str | None, dict]:
    """For the check-your-answers page: every answer (statement id → value), every comment
    (theme id → text), the chosen themes, the names of the organisation and group chosen, and
    every target rating (statement id → target)."""
    sql = _sql()
    key = _prepare(Answer, "response", response.pk)
    answers, comments, chosen, names, targets = {}, {}, set(), {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql.everything, [key, key, key, response.organisation_id, response.group_id])
        for kind, item, value, target, text in cursor.fetchall():
            if kind == "a":
                answers[item] = value
                targets[item] = target
            elif kind == "c":
                comments[item] = text
            elif kind == "p":
                chosen.add(item)
            else:
                names[kind] = text
    return answers, comments, chosen, names.get("o"), names.get("g"), targets


def lock_draft(round_id: int, digest: str) -> tuple | None:
    """The draft's (id, organisation id, group id, digest to record as used, whether it may be
    sent), locked for the rest of the transaction where the database can lock a row (SQLite's
    immediate transactions already keep writers apart)."""
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.lock_draft, [round_id, digest, ResponseState.DRAFT])
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(sql.draft_key.fields)
    found = dict(zip(sql.draft_key.attnames, sql.draft_key.values(row[:width]), strict=True))
    return found["id"], found["organisation_id"], found["group_id"], found["used_digest"], bool(row[width])


def answered_statements(response_id) -> set[str]:
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.answered, [_prepare(Answer, "response", response_id)])
        return {statement_id for (statement_id,) in cursor.fetchall()}


NO_DRAFT, INCOMPLETE, LINK_CLOSED, ALREADY_USED, SENT = "no draft", "incomplete", "link closed", "used", "sent"


def send_draft(
    round_id: int, digest: str, statement_ids: list[str], used_digest: str, today, language: str = "en"
) -> str:
    """Send the draft with this digest if it answers every one of ``statement_ids``, all or
    nothing: :data:`SENT`; :data:`INCOMPLETE`, :data:`LINK_CLOSED` (an open-link draft whose
    round's open link has been turned off) or :data:`ALREADY_USED` (its invitation has sent
    another draft in the meantime), with nothing changed; or :data:`NO_DRAFT`.

    ``used_digest`` is what is recorded of the browser's key; an invitation's draft also records
    its own ``used_digest`` column, the invitation's. Nothing is written to the invitations.
    ``language`` ("en" or "cy") is recorded with the response: the language it was sent in.

    The draft is locked first, so of two sends of the same draft at once the second waits and
    then finds no draft. (On PostgreSQL, in one statement, the answers are counted as they stood
    when the statement began; answers are only ever added, so a send can at worst be refused as
    incomplete if the last page's answers were being saved at that very moment.)"""
    try:
        return _send_draft(round_id, digest, statement_ids, used_digest, today, language)
    except IntegrityError:  # a used digest is already recorded: all of the send was undone
        return ALREADY_USED


def _send_draft(round_id: int, digest: str, statement_ids: list[str], used_digest: str, today, language: str) -> str:
    sql = _sql()
    if not sql.one_statement:
        with transaction.atomic():
            draft = lock_draft(round_id, digest)
            if draft is None:
                return NO_DRAFT
            response_id, organisation_id, group_id, invitation_used, may_send = draft
            if not may_send:
                return LINK_CLOSED
            if not set(statement_ids) <= answered_statements(response_id):
                return INCOMPLETE
            # (A draft carried over from when the browser's key was the token has the two alike.)
            used = list(dict.fromkeys([used_digest, invitation_used] if invitation_used else [used_digest]))
            mark_sent(response_id, organisation_id, group_id, round_id, used, today, language)
        return SENT
    day = _prepare(Response, "submitted_on", today)
    wanted = list(dict.fromkeys(statement_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.send_draft,
            [
                *(round_id, digest, ResponseState.DRAFT, wanted, len(wanted)),
                *(ResponseState.SUBMITTED, day, day, language),
                *(True, True),
                *(used_digest, round_id, round_id, used_digest),
            ],
        )
        found, may_send, sent = cursor.fetchone()
    if sent:
        return SENT
    return NO_DRAFT if not found else LINK_CLOSED if not may_send else INCOMPLETE


def mark_sent(response_id, organisation_id, group_id, round_id: int, used: list[str], today, language: str = "en"):
    """Turn the draft into a sent response: no key leads to it any more, its answers and choices
    carry the organisation and group, and the ``used`` digests are remembered for its round (with
    nothing that leads back to the response)."""
    sql = _sql()
    key = _prepare(Response, "id", response_id)
    day = _prepare(Response, "submitted_on", today)
    with connection.cursor() as cursor:
        cursor.execute(sql.send, [ResponseState.SUBMITTED, day, day, language, key])
        for statement in sql.fix_labels:
            cursor.execute(statement, [True, organisation_id, group_id, key])
        values = [value for digest in used for value in (digest, round_id)]
        cursor.execute(sql.used_key.format(rows=_rows(2, len(used))), values)


def move_draft(round_id: int, by: str, found_by: str, digest: str) -> bool:
    """Give the draft found by ``found_by`` (in its ``by`` column: ``resume_digest`` or
    ``invitation_digest``) the resume digest ``digest``, so that from now on only the browser
    holding that digest's key finds it. False, and nothing changed, if there is no such draft."""
    with connection.cursor() as cursor:
        cursor.execute(_sql().move_draft[by], [digest, round_id, found_by, ResponseState.DRAFT])
        return cursor.rowcount == 1


def forget_erased_digests() -> str:
    """SQLite: try to copy the write-ahead log into the database file and empty it, so that the
    digests a send has just erased are not left in the log beside the response's id (the
    connection's ``secure_delete`` zeroes them in the database file itself). Returns what
    happened: "done", "busy", "skipped" (another database, or inside a transaction).

    It never waits: the busy timeout is 0 while it runs. When another connection is reading or
    writing at that moment the checkpoint reports busy and is left; the log is then emptied by
    the next send that finds the database quiet (until then the log keeps the erased digests).
    While it copies, other writers queue on their own busy timeout, as for any write."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return "skipped"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log, _copied = cursor.fetchone()
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return "busy" if busy else "done"


def find_round(**where) -> Round | None:
    """The round with this open-link code or public id, with its partnership and framework
    version (without the framework's text), in one statement."""
    ((name, value),) = where.items()
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.round_by[name], [_prepare(Round, name, value)])
        row = cursor.fetchone()
    if row is None:
        return None
    round_, round_.partnership, round_.framework_version = _split(row, sql.round, sql.partnership, sql.version)
    return round_


def about_choices(partnership_id: int) -> tuple[list[Organisation], list[RespondentGroup]]:
    """The partnership's organisations and respondent groups, in their usual order."""
    sql = _sql()
    key = _prepare(Organisation, "partnership", partnership_id)  # the same key column in both tables
    organisations, groups = [], []
    middle = 1 + len(sql.organisation.fields)
    with connection.cursor() as cursor:
        cursor.execute(sql.choices, [key, key])
        for row in cursor.fetchall():
            if row[0] == 0:
                organisations.append(sql.organisation.build(row[1:middle]))
            else:
                groups.append(sql.group.build(row[middle:]))
    return organisations, groups


def saved_priorities(response: Response) -> list[str]:
    sql = _sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.priorities, [_prepare(Priority, "response", response.pk)])
        return [theme_id for (theme_id,) in cursor.fetchall()]


def save_priorities(response: Response, fields: Mapping[str, object], theme_ids: list[str]) -> bool:
    """Touch the draft (``fields``) and replace its chosen themes, all or nothing; False, and
    nothing changed, once it is no longer a draft."""
    sql = _sql()
    key = _prepare(Priority, "response", response.pk)
    if not sql.one_statement:
        with transaction.atomic():
            if not touch(response, fields):
                return False
            with connection.cursor() as cursor:
                cursor.execute(sql.delete_priorities, [key])
                if theme_ids:
                    statement = sql.insert_priorities.format(rows=_rows(len(sql.priority_columns), len(theme_ids)))
                    cursor.execute(statement, _priority_values(response, theme_ids))
        return True

    # In one statement the deletion and the insertion see the same rows, in no set order: so
    # delete only the themes no longer chosen, and insert the chosen ones that are not there yet.
    def build():
        yield sql.delete_other_priorities_if_draft
        if theme_ids:
            yield sql.insert_priorities_if_draft.format(rows=", ".join([sql.priority_row] * len(theme_ids)))

    statement, values = _if_draft(sql, response, fields, ("priorities", tuple(fields), len(theme_ids)), build)
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, key, list(theme_ids), *_priority_values(response, theme_ids)])
        return cursor.fetchone()[0] == 1


def start_draft(
    round_id: int,
    digest: str,
    today,
    invitation_digest: str | None = None,
    used_digest: str | None = None,
    variant: str = "",
) -> Response | None:
    """Create the draft for this digest (and, for a personal invitation, its invitation's digest
    and what to record as used when it is sent), in one statement; None if either digest already
    has a draft. A variant's draft (``variant``) asks neither who the respondent is nor which
    themes need attention, so those steps start done."""
    sql = _sql()
    response = Response(
        round_id=round_id,
        resume_digest=digest,
        invitation_digest=invitation_digest,
        used_digest=used_digest,
        updated_on=today,
        variant=variant,
        about_done=bool(variant),
        priorities_done=bool(variant),
    )
    values = [field.get_db_prep_save(getattr(response, field.attname), connection) for field in sql.response.fields]
    with connection.cursor() as cursor:
        cursor.execute(sql.start_draft, values)
        if cursor.rowcount != 1:
            return None
    response._state.adding, response._state.db = False, connection.alias
    return response
