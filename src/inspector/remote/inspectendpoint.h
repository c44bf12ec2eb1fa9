// InspectEndpoint: where `havel --inspect` publishes, who may connect, and what is published.
//
// Each publishing process listens on <dir>/<pid>.sock and describes itself in <dir>/<pid>.json
// ({"pid", "name", "script"}), where <dir> is $XDG_RUNTIME_DIR/havel (a per-user, 0700 tmpfs
// folder on systemd machines) or, when that variable is unset, /tmp/havel-<uid>, created 0700.
// A folder that exists but belongs to someone else, is a symlink or is open to others is
// refused: another user could otherwise plant or read sockets there. Sockets are made 0600 and
// each connection's peer credentials (SO_PEERCRED) must name the same user; the client checks
// the server's credentials the same way before it trusts a socket.
#pragma once

#include <QtCore/QList>
#include <QtCore/QString>

#include <sys/types.h>

namespace havel {

//! One publishing process, as its description file gives it.
struct PublishedScript
{
    qint64 pid = 0;
    QString name;
    QString script;
    QString socketPath;
};

//! Paths, permissions and peer checks of the inspector channel. Stateless; any thread.
class InspectEndpoint
{
public:
    //! The folder sockets live in, created (0700) if needed; empty with @p error set if it
    //! cannot be made safe.
    static QString directory(QString *error);
    //! The socket path of process @p pid in @p dir.
    static QString socketPath(const QString &dir, qint64 pid);
    //! The description file of process @p pid in @p dir.
    static QString descriptionPath(const QString &dir, qint64 pid);

    //! The uid of the process at the other end of the connected Unix socket @p fd, or -1 with
    //! @p error set.
    static qint64 peerUid(int fd, QString *error);
    //! Whether a peer with @p uid may use a channel of this process (the same effective user).
    static bool mayConnect(qint64 uid);

    //! The valid name for --inspect=NAME: 1–64 of [A-Za-z0-9._-]. Empty if @p name is valid,
    //! else why not.
    static QString nameProblem(const QString &name);

    //! The processes publishing in @p dir whose process still exists, by pid. Description files
    //! of dead processes (and their sockets) are removed on the way.
    static QList<PublishedScript> published(const QString &dir);
    //! Writes the description of this process; false with @p error set on failure.
    static bool describe(const QString &dir, const PublishedScript &script, QString *error);
};

} // namespace havel
