// The inspector's palette and column widths, shared by the header row and every timer row so
// that their columns line up. The palette follows the system's: a dark window colour gives
// the dark variant (SystemPalette, so it changes with the desktop's setting at run time).
pragma Singleton
import QtQuick

QtObject {
    id: theme

    //! The system palette the dark/light choice follows.
    readonly property SystemPalette system: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property bool dark: system.window.hslLightness < 0.5

    readonly property color background: dark ? "#14171c" : "#eef1f5"
    readonly property color card: dark ? "#1d2128" : "#ffffff"
    readonly property color stripe: dark ? "#21262e" : "#f7f9fb"
    readonly property color border: dark ? "#343a45" : "#d9dee6"
    readonly property color text: dark ? "#e6e9ef" : "#1c2333"
    readonly property color muted: dark ? "#9aa3b2" : "#667085"
    readonly property color accent: dark ? "#6ea1ff" : "#2563eb"
    readonly property color accentSoft: dark ? "#24324d" : "#dbe7ff"
    readonly property color active: dark ? "#4ade80" : "#15803d"
    readonly property color activeSoft: dark ? "#173826" : "#dcfce7"
    readonly property color paused: dark ? "#fbbf24" : "#b45309"
    readonly property color pausedSoft: dark ? "#3b2f12" : "#fef3c7"
    readonly property color error: dark ? "#f87171" : "#c62828"
    readonly property color errorSoft: dark ? "#3f1d1d" : "#fdecec"
    readonly property color errorRow: dark ? "#2a1c1f" : "#fff4f4"
    readonly property color groupRow: dark ? "#1f2633" : "#f1f5fd"
    readonly property color focus: accent
    readonly property color tooltip: dark ? "#e6e9ef" : "#1c2333"
    readonly property color tooltipText: dark ? "#14171c" : "white"

    //! An active timer this late is shown as "overdue" (red), not "due now": well past a poll
    //! of the model, so a timer that merely fired since the last poll never looks overdue.
    readonly property int overdueAfterMs: 250

    readonly property int rowHeight: 38
    readonly property int spacing: 8
    readonly property int fontSize: 13
    readonly property string monoFamily: "monospace"

    // Column widths; the label column takes whatever is left.
    readonly property int colState: 76
    readonly property int colId: 44
    readonly property int colMode: 84
    readonly property int colSchedule: 112
    readonly property int colCountdown: 130
    readonly property int colFires: 64
    readonly property int colRate: 64
    readonly property int colSkipped: 64
    readonly property int colErrors: 56
    readonly property int colLateness: 84
    readonly property int colCallback: 84
    readonly property int colActions: 134

    //! Below these widths of the table the least needed columns give way, so that the actions
    //! stay on screen at the window's minimum width.
    readonly property int wideTable: 1200
    readonly property int mediumTable: 1060
}
