"""Who works in a store: the desk's invitations (sent, cancelled, accepted, declined), role
changes and removals, and the operator's `orderhub user create --store`, `reset-password`
and `delete`. Each change to a store's staff is written to that store's audit log in its
own transaction; the log names the email and role, never a password."""

from __future__ import annotations

from sqlalchemy import Connection

from orderhub.domain import passwords
from orderhub.domain.channel import Channel
from orderhub.domain.errors import InvalidInput, NotFound, OrderhubError
from orderhub.services import audit
from orderhub.storage import accounts, desk_sessions, invitations
from orderhub.storage.accounts import User
from orderhub.storage.database import Database
from orderhub.storage.invitations import Invitation


def set_role_in(
    conn: Connection, user: User, store_id: int, role: str, *, channel: Channel
) -> None:
    """The inner form: add the user to the store with `role`, or change their role there."""
    before = accounts.role_in(conn, user.id, store_id)
    if before == role:
        return
    accounts.set_membership(conn, user.id, store_id, role)
    action = "user.add" if before is None else "user.role"
    audit.record(conn, store_id, channel, action, user.email,
                 role if before is None else f"{before} → {role}")  # fmt: skip


def invite_member(
    db: Database, store_id: int, email: str, role: str, by: str, *, channel: Channel
) -> bool:
    """Invite `email` with `role`. The account (if there is one) joins only when its user
    accepts, signed in; nothing here depends on whether it exists, so the owner's answer
    cannot tell. Someone who already works here just gets the role: returns True then."""
    with db.write() as conn:
        found = accounts.find_user(conn, email)
        if found is not None and accounts.role_in(conn, found[0].id, store_id) is not None:
            set_role_in(conn, found[0], store_id, role, channel=channel)
            return True
        invitations.invite(conn, store_id, email, role, by)
        audit.record(conn, store_id, channel, "user.invite", email, role)
    return False


def cancel_invitation(db: Database, store_id: int, invitation_id: int, *, channel: Channel) -> None:
    with db.write() as conn:
        found = [i for i in invitations.of_store(conn, store_id) if i.id == invitation_id]
        if not found or not invitations.cancel(conn, store_id, invitation_id):
            raise NotFound("Invitation not found")
        audit.record(conn, store_id, channel, "user.invite_cancel", found[0].email, found[0].role)


def answer_invitation(
    db: Database, user: User, session_hash: bytes, invitation_id: int, *, accept: bool
) -> Invitation:
    """Accept (join the store, and work in it now) or decline one of the user's invitations."""
    channel = Channel.desk(user.email)
    with db.write() as conn:
        invitation = invitations.take(conn, invitation_id, user.email)
        if invitation is None:
            raise NotFound("Invitation not found")
        action = "user.invite_accept" if accept else "user.invite_decline"
        audit.record(conn, invitation.store_id, channel, action, user.email, invitation.role)
        if accept:
            accounts.set_membership(conn, user.id, invitation.store_id, invitation.role)
            desk_sessions.switch_store(conn, session_hash, invitation.store_id)
    return invitation


def remove_member(
    db: Database, store_id: int, user_id: int, acting_user_id: int, *, channel: Channel
) -> None:
    if user_id == acting_user_id:
        raise InvalidInput("You cannot remove yourself from the store")
    with db.write() as conn:
        if not accounts.remove_membership(conn, user_id, store_id):
            raise NotFound("User not found")
        desk_sessions.end_all_for_user(conn, user_id, store_id)
        audit.record(conn, store_id, channel, "user.remove", accounts.get_user(conn, user_id).email)


def add_user(
    db: Database, email: str, store_id: int | None, role: str, password: str | None,
    *, channel: Channel,
) -> bool:  # fmt: skip
    """The operator's door: create the user (when `password` is given) or add the existing
    one to the store (no store: an account that joins stores by accepting owners'
    invitations in the desk). Returns whether a user was created."""
    with db.write() as conn:
        found = accounts.find_user(conn, email)
        if found is None:
            if password is None:
                raise OrderhubError("a new user needs a password")
            user = accounts.create_user(conn, email, passwords.hash_password(password))
            created = True
        else:
            user, created = found[0], False
        if store_id is not None:
            set_role_in(conn, user, store_id, role, channel=channel)
    return created


def delete_user(db: Database, user: User, *, channel: Channel) -> None:
    """Delete the account and end its sessions; each store it worked in logs the removal."""
    with db.write() as conn:
        for membership in accounts.memberships_of(conn, user.id):
            audit.record(conn, membership.store_id, channel, "user.remove", user.email)
        desk_sessions.end_all_for_user(conn, user.id)
        accounts.delete_user(conn, user.id)


def reset_password(db: Database, user: User, password: str, *, channel: Channel) -> None:
    """Set a new password and sign the user out everywhere; each store they work in logs
    that it changed (never the password)."""
    password_hash = passwords.hash_password(password)
    with db.write() as conn:
        accounts.set_password_hash(conn, user.id, password_hash)
        desk_sessions.end_all_for_user(conn, user.id)
        for membership in accounts.memberships_of(conn, user.id):
            audit.record(conn, membership.store_id, channel, "user.reset_password", user.email)
