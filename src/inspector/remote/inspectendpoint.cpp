#include "inspectendpoint.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace havel {

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

//! Makes @p path a folder of ours with mode 0700, or says why it cannot be trusted.
bool ensurePrivateDir(const QString &path, QString *error)
{
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
        *error = QStringLiteral("cannot create %1: %2").arg(path, errnoText(errno));
        return false;
    }
    struct stat st {};
    if (::lstat(native.constData(), &st) != 0) {
        *error = QStringLiteral("cannot inspect %1: %2").arg(path, errnoText(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
        *error = QStringLiteral("%1 is not a folder owned by this user; refusing to publish "
                                "or look for inspector sockets there")
                         .arg(path);
        return false;
    }
    if ((st.st_mode & 077) != 0 && ::chmod(native.constData(), 0700) != 0) {
        *error = QStringLiteral("%1 is open to other users and cannot be made private: %2")
                         .arg(path, errnoText(errno));
        return false;
    }
    return true;
}

bool processExists(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

} // namespace

QString InspectEndpoint::directory(QString *error)
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    QString dir;
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime)) {
        dir = runtime + QStringLiteral("/havel");
    } else {
        dir = QStringLiteral("/tmp/havel-%1").arg(::geteuid());
    }
    if (!ensurePrivateDir(dir, error))
        return {};
    return dir;
}

QString InspectEndpoint::socketPath(const QString &dir, qint64 pid)
{
    return QStringLiteral("%1/%2.sock").arg(dir).arg(pid);
}

QString InspectEndpoint::descriptionPath(const QString &dir, qint64 pid)
{
    return QStringLiteral("%1/%2.json").arg(dir).arg(pid);
}

qint64 InspectEndpoint::peerUid(int fd, QString *error)
{
    struct ucred cred {};
    socklen_t length = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length != sizeof cred) {
        *error = QStringLiteral("cannot read the peer's credentials: %1").arg(errnoText(errno));
        return -1;
    }
    return qint64(cred.uid);
}

bool InspectEndpoint::mayConnect(qint64 uid)
{
    return uid >= 0 && uid_t(uid) == ::geteuid();
}

QString InspectEndpoint::nameProblem(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (valid.match(name).hasMatch() && name != QLatin1String(".") && name != QLatin1String(".."))
        return {};
    return QStringLiteral("'%1' is not a valid inspector name: use 1 to 64 letters, digits, "
                          "'.', '_' or '-'")
            .arg(name);
}

QList<PublishedScript> InspectEndpoint::published(const QString &dir)
{
    QList<PublishedScript> scripts;
    const QStringList files = QDir(dir).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString &file : files) {
        bool ok = false;
        const qint64 pid = QStringView(file).chopped(5).toLongLong(&ok);
        if (!ok || pid <= 0)
            continue;
        if (!processExists(pid)) {
            // Left behind by a process that died without cleaning up (SIGKILL, a crash).
            QFile::remove(descriptionPath(dir, pid));
            QFile::remove(socketPath(dir, pid));
            continue;
        }
        QFile description(descriptionPath(dir, pid));
        if (!description.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject json = QJsonDocument::fromJson(description.read(64 * 1024)).object();
        if (json.value(QLatin1String("pid")).toInteger() != pid)
            continue;
        scripts.append({pid, json.value(QLatin1String("name")).toString(),
                        json.value(QLatin1String("script")).toString(), socketPath(dir, pid)});
    }
    std::sort(scripts.begin(), scripts.end(),
              [](const PublishedScript &a, const PublishedScript &b) { return a.pid < b.pid; });
    return scripts;
}

bool InspectEndpoint::describe(const QString &dir, const PublishedScript &script, QString *error)
{
    QSaveFile file(descriptionPath(dir, script.pid));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    const QJsonObject json{{QStringLiteral("pid"), script.pid},
                           {QStringLiteral("name"), script.name},
                           {QStringLiteral("script"), script.script}};
    file.write(QJsonDocument(json).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    ::chmod(QFile::encodeName(file.fileName()).constData(), 0600);
    return true;
}

} // namespace havel
