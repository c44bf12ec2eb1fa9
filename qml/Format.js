// Formatting of the model's raw values (milliseconds, counts, enums) for display.
.pragma library

// "850 µs", "12.3 ms", "250 ms", "1.5 s", "2 min 05 s", "3 h 02 min", "never".
function duration(ms) {
    if (!isFinite(ms) || ms > 1e11)
        return "never"
    if (ms < 1)
        return Math.round(ms * 1000) + " µs"
    if (ms < 100)
        return (Math.round(ms * 10) / 10) + " ms"
    if (ms < 1000)
        return Math.round(ms) + " ms"
    if (ms < 60000)
        return (Math.floor(ms / 100) / 10).toFixed(1) + " s"
    const s = Math.floor(ms / 1000)
    if (s < 3600)
        return Math.floor(s / 60) + " min " + pad2(s % 60) + " s"
    return Math.floor(s / 3600) + " h " + pad2(Math.floor(s / 60) % 60) + " min"
}

function pad2(n) {
    return n < 10 ? "0" + n : "" + n
}

// 1234567 -> "1 234 567" (a thin space groups digits in every locale).
function count(n) {
    const digits = Math.round(n).toString()
    let out = ""
    for (let i = 0; i < digits.length; ++i) {
        if (i > 0 && (digits.length - i) % 3 === 0)
            out += "\u2009"
        out += digits[i]
    }
    return out
}

// Fires per second: one decimal below 10, whole numbers above.
function rate(r) {
    if (r <= 0)
        return "0"
    return r < 10 ? r.toFixed(1) : count(r)
}

// "every 250 ms" for an interval, "once · 5.0 s" for a timeout.
function schedule(isInterval, intervalMs) {
    return (isInterval ? "every " : "once · ") + duration(intervalMs)
}

// A countdown: like duration() below a minute; above, whole minutes ("in 59 min", "2 h 05 min"),
// so that a far-off timer's text changes once a minute, not every second (an idle window
// should not redraw every second for a timer an hour away).
function countdown(ms) {
    if (!isFinite(ms) || ms > 1e11)
        return "never"
    if (ms < 60000)
        return duration(ms)
    const min = Math.floor(ms / 60000)
    if (min < 60)
        return min + " min"
    return Math.floor(min / 60) + " h " + pad2(min % 60) + " min"
}
