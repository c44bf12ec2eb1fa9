// The prelude: the methods that call back into script code, written in Havel (as Havel's own
// modules/std/array.hv is). A built-in written in C++ cannot call a script function: the VM
// runs script calls as frames of a fiber, never on the native stack, so that any callback may
// park (sleep, a channel), throw or be preempted. These run as ordinary frames instead.
//
// Naming: `fn TYPE__METHOD(receiver, args...)` becomes the method METHOD of TYPE, and a
// function of the module TYPE too (array.map(xs, f)). They use only syntax, methods and
// their own locals, never a global a script could reassign (they call each other as
// methods). `v.__callable()` and `v.__isArray()` are the VM's, for them. Their FunctionProtos are marked
// `library`, so an error inside one reports the line of the script's call.
#include "builtins.h"
#include "moduleutil.h"

namespace havel::script {

namespace {

const char *const kPrelude = R"havel(
fn array__map(xs, f) {
    let out = []
    let i = 0
    while i < #xs { out.push(f(xs[i])); i += 1 }
    return out
}
fn array__filter(xs, f) {
    let out = []
    let i = 0
    while i < #xs {
        let x = xs[i]
        if f(x) { out.push(x) }
        i += 1
    }
    return out
}
fn array__reduce(xs, f, ...init) {
    let i = 0
    let acc = null
    if #init > 0 { acc = init[0] } else {
        if #xs == 0 { throw "reduce of an empty array with no initial value" }
        acc = xs[0]
        i = 1
    }
    while i < #xs { acc = f(acc, xs[i]); i += 1 }
    return acc
}
fn array__foreach(xs, f) {
    let i = 0
    while i < #xs { f(xs[i]); i += 1 }
    return null
}
fn array__forEach(xs, f) { return xs.foreach(f) }
fn array__each(xs, f) { return xs.foreach(f) }
fn array__every(xs, f) {
    let i = 0
    while i < #xs {
        if !f(xs[i]) { return false }
        i += 1
    }
    return true
}
fn array__some(xs, f) {
    let i = 0
    while i < #xs {
        if f(xs[i]) { return true }
        i += 1
    }
    return false
}
fn array__any(xs, f) { return xs.some(f) }
fn array__all(xs, f) { return xs.every(f) }
fn array__find(xs, f) {
    // find(value) is indexOf (Havel's scripts use both forms).
    if !f.__callable() { return xs.indexOf(f) }
    let i = 0
    while i < #xs {
        if f(xs[i]) { return xs[i] }
        i += 1
    }
    return null
}
fn array__findIndex(xs, f) {
    let i = 0
    while i < #xs {
        if f(xs[i]) { return i }
        i += 1
    }
    return -1
}
fn array__flatMap(xs, f) {
    let out = []
    let i = 0
    while i < #xs {
        let r = f(xs[i])
        if r.__isArray() { out.extend(r) } else { out.push(r) }
        i += 1
    }
    return out
}
fn array__groupBy(xs, f) {
    let groups = {}
    let i = 0
    while i < #xs {
        let k = f(xs[i])
        if groups[k] == null { groups[k] = [] }
        groups[k].push(xs[i])
        i += 1
    }
    return groups
}
fn array__sort(xs, cmp) {
    // In place, stable: a bottom-up merge sort. cmp(a, b) < 0 (or true) puts a first.
    if cmp == null { return xs.__sortDefault() }
    let n = #xs
    let src = xs.clone()
    let dst = xs.clone()
    let width = 1
    while width < n {
        let lo = 0
        while lo < n {
            let mid = lo + width
            if mid > n { mid = n }
            let hi = mid + width
            if hi > n { hi = n }
            let i = lo
            let j = mid
            let k = lo
            while k < hi {
                let left = i < mid
                if left && j < hi {
                    let r = cmp(src[j], src[i])
                    left = r == false || (r != true && r >= 0)
                }
                if left { dst[k] = src[i]; i += 1 } else { dst[k] = src[j]; j += 1 }
                k += 1
            }
            lo = hi
        }
        let t = src
        src = dst
        dst = t
        width = width * 2
    }
    let k = 0
    while k < n { xs[k] = src[k]; k += 1 }
    return xs
}
fn array__sorted(xs, cmp) { return xs.clone().sort(cmp) }
fn string__map(s, f) {
    let out = []
    for c in s { out.push(f(c)) }
    return out
}
fn string__filter(s, f) {
    let out = ""
    for c in s { if f(c) { out += c } }
    return out
}
fn object__map(o, f) {
    let out = []
    for k in o.keys() { out.push(f(k)) }
    return out
}
fn object__filter(o, f) {
    let out = {}
    for k in o.keys() { if f(k, o[k]) { out[k] = o[k] } }
    return out
}
fn object__forEach(o, f) {
    for k in o.keys() { f(k, o[k]) }
    return null
}
fn when__register(cond, body) {
    // `when cond { body }`: the body runs each time cond turns true, checked every 10 ms by
    // a timer that does not keep the script alive (a reaction is not work of its own).
    let was = false
    let id = timer.setInterval(10, fn() {
        let now = cond() ? true : false
        if now && !was { was = true; body() } else { was = now }
    })
    timer.unref(id)
    return id
}
)havel";

} // namespace

QString Builtins::preludeSource()
{
    return QString::fromUtf8(kPrelude);
}

void Builtins::installPrelude(Vm &vm, const FunctionProto &body)
{
    // `when` is a module of its own (Havel's when.register); `@when` is the name the parser's
    // desugaring uses, which no script can reassign.
    if (!vm.global(QStringLiteral("when")).isObject()) {
        const Value when(makeRef<Object>(&vm.heap()));
        vm.defineGlobal(QStringLiteral("when"), when);
        vm.defineGlobal(QStringLiteral("@when"), when);
    }
    const std::pair<const char *, Value::Type> types[] = {
        {"array", Value::Type::Array}, {"string", Value::Type::String}, {"object", Value::Type::Object}};
    for (const auto &function : body.chunk.functions) {
        const qsizetype split = function->name.indexOf(QLatin1String("__"));
        if (split <= 0)
            continue;
        const QString typeName = function->name.left(split);
        const QString method = function->name.mid(split + 2);
        const Value closure(makeRef<Closure>(&vm.heap(), function));
        for (const auto &type : types) {
            if (typeName == QLatin1String(type.first))
                vm.setScriptMethod(type.second, method, closure);
        }
        // The module of that name gets it as a function: array.map(xs, f).
        const Value module = vm.global(typeName);
        if (module.isObject())
            module.asObject()->set(method, closure);
    }
}

} // namespace havel::script
