// The inspector's palette and column widths, shared by the header row and every timer row so
// that their columns line up.
pragma Singleton
import QtQuick

QtObject {
    readonly property color background: "#eef1f5"
    readonly property color card: "#ffffff"
    readonly property color stripe: "#f7f9fb"
    readonly property color border: "#d9dee6"
    readonly property color text: "#1c2333"
    readonly property color muted: "#667085"
    readonly property color accent: "#2563eb"
    readonly property color accentSoft: "#dbe7ff"
    readonly property color active: "#15803d"
    readonly property color activeSoft: "#dcfce7"
    readonly property color paused: "#b45309"
    readonly property color pausedSoft: "#fef3c7"
    readonly property color error: "#c62828"
    readonly property color errorSoft: "#fdecec"
    readonly property color errorRow: "#fff4f4"

    readonly property int rowHeight: 38
    readonly property int spacing: 8
    readonly property int fontSize: 13
    readonly property string monoFamily: "monospace"

    // Column widths; the label column takes whatever is left.
    readonly property int colState: 76
    readonly property int colId: 44
    readonly property int colSchedule: 120
    readonly property int colCountdown: 130
    readonly property int colFires: 64
    readonly property int colRate: 64
    readonly property int colSkipped: 64
    readonly property int colErrors: 56
    readonly property int colLateness: 84
    readonly property int colCallback: 84
    readonly property int colActions: 134
}
