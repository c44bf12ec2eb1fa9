// Runs the QML tests in qml/ (QtQuickTest) against real models: the `fixture` context
// property owns a TimerManager whose callbacks run on the GUI thread, and the two models the
// inspector shows.
#include "timerfiltermodel.h"
#include "timerlistmodel.h"
#include "timermanager.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

#include <memory>
#include <stdexcept>

Q_IMPORT_QML_PLUGIN(Havel_InspectorPlugin)

using namespace std::chrono_literals;

//! What the QML tests drive: timers to create and inspect, and the models under test.
//! Thread: GUI thread; the timers' callbacks run there too.
class InspectorFixture : public QObject
{
    Q_OBJECT
    Q_PROPERTY(havel::TimerListModel *timerModel READ timerModel CONSTANT)
    Q_PROPERTY(havel::TimerFilterModel *filterModel READ filterModel CONSTANT)

public:
    InspectorFixture()
    {
        m_model.setPollInterval(20); // quicker than the window's 10 Hz, so tests wait less
        m_filterModel.setSourceModel(&m_model);
    }

    havel::TimerListModel *timerModel() { return &m_model; }
    havel::TimerFilterModel *filterModel() { return &m_filterModel; }

    Q_INVOKABLE quint64 startInterval(int ms, const QString &label)
    {
        return m_manager.setInterval(this, std::chrono::milliseconds(ms), [] {},
                                     havel::TimerOptions{label});
    }
    Q_INVOKABLE quint64 startTimeout(int ms, const QString &label)
    {
        return m_manager.setTimeout(this, std::chrono::milliseconds(ms), [] {},
                                    havel::TimerOptions{label});
    }
    //! An interval whose every callback throws @p message.
    Q_INVOKABLE quint64 startFailing(int ms, const QString &label, const QString &message)
    {
        return m_manager.setInterval(
                this, std::chrono::milliseconds(ms),
                [message] { throw std::runtime_error(message.toStdString()); },
                havel::TimerOptions{label});
    }
    Q_INVOKABLE bool isLive(quint64 id) const { return m_manager.timerStatus(id).has_value(); }
    Q_INVOKABLE bool isPaused(quint64 id) const
    {
        const auto status = m_manager.timerStatus(id);
        return status && status->state == havel::TimerState::Paused;
    }
    Q_INVOKABLE bool pause(quint64 id) { return m_manager.pauseTimer(id); }
    Q_INVOKABLE int liveCount() const { return int(m_manager.activeTimerCount()); }
    //! A path in a folder the test owns, for exports.
    Q_INVOKABLE QString tempPath(const QString &name) const { return m_dir.filePath(name); }
    //! The text of @p path, or empty.
    Q_INVOKABLE QString readFile(const QString &path) const
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }
    //! Ends every timer: each test starts from none.
    Q_INVOKABLE void reset()
    {
        m_manager.cleanupAllTimers();
        m_model.refresh();
        m_filterModel.setFilterText({});
        m_filterModel.setSort(havel::TimerListModel::IdRole, false);
    }

private:
    QTemporaryDir m_dir;
    havel::TimerManager m_manager;
    havel::TimerListModel m_model{&m_manager};
    havel::TimerFilterModel m_filterModel;
};

//! Thread: GUI thread. Constructed before the application exists, so the fixture (which
//! starts a thread and timers) is made once the first engine is, and dropped before the
//! application goes.
class Setup : public QObject
{
    Q_OBJECT

public slots:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        if (!m_fixture)
            m_fixture = std::make_unique<InspectorFixture>();
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine->rootContext()->setContextProperty(QStringLiteral("fixture"), m_fixture.get());
    }
    void cleanupTestCase() { m_fixture.reset(); }

private:
    std::unique_ptr<InspectorFixture> m_fixture;
};

QUICK_TEST_MAIN_WITH_SETUP(inspector_qml, Setup)

#include "tst_inspectorqml.moc"
