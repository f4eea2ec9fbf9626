#include <fmt/format.h>

#include <apiuser/audit_log.hpp>
#include <apiuser/errors.hpp>

#include "context.hpp"
#include "render.hpp"
#include "table.hpp"

namespace apiuser::cli {

namespace {

struct LogOptions {
    std::string since;
    std::string target;
    bool json = false;
};

void run_log(Context& context, const LogOptions& options) {
    auto& console = context.console();
    AuditFilter filter;
    filter.target = options.target;
    if (!options.since.empty()) {
        filter.since = parse_timestamp(options.since);
        if (!filter.since) {
            throw Error(ErrorKind::invalid_input, fmt::format("invalid time '{}' for --since", options.since),
                        "give a date or an RFC 3339 time, e.g. 2026-11-27 or 2026-11-27T09:30:00Z");
        }
    }
    if (options.json) {
        JsonArrayWriter writer{console};
        read_audit_log(context.session(), filter, [&](const AuditEntry& entry) { writer.add(to_json(entry)); });
        writer.finish();
        return;
    }
    Table table{console, {{"TIME", {}}, {"ACTOR", {}}, {"ACTION", {}}, {"TARGET", {}}, {"DETAILS", {}}}};
    read_audit_log(context.session(), filter, [&](const AuditEntry& entry) {
        table.add({format_timestamp(entry.at), entry.actor, entry.action, entry.target, entry.details});
    });
    table.finish();
}

}  // namespace

void add_log_command(Commands& commands) {
    auto options = std::make_shared<LogOptions>();
    auto* log = commands.add(commands.app(), "log", "Show the audit log of every change, oldest first", "Store",
                             "apiuser log --since 2026-11-01 --target apiuser-3f9a1c2b7d4e@apiconnector.com");
    log->add_option("--since", options->since, "Only entries at or after TIME (a date or RFC 3339 time)")
        ->type_name("TIME");
    log->add_option("--target", options->target, "Only entries about this API user, member, or \"account\"")
        ->type_name("NAME");
    log->add_flag("--json", options->json, "Print a JSON array of entries");
    commands.on_run(log, [&context = commands.context(), options] { run_log(context, *options); });
}

}  // namespace apiuser::cli
