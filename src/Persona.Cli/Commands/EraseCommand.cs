using System.CommandLine;
using System.Text.Json;
using Persona.Serving;
using Persona.Serving.Privacy;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona erase</c>: erases users from a store, as <c>DELETE /v1/users/{userId}</c> does (profile, user record,
/// logged events, dead letters, and their logged answers at the purge), and with <c>--purge</c> rewrites the files
/// at once so that none of their bytes remain. The service must not hold the store open; while it runs, erase
/// through its API instead.
/// </summary>
internal static class EraseCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var servingOptions = new ServingOptionSet();
        var users = new Option<string[]>("--user") { Description = "A user id to erase (repeat for several)", Required = true, AllowMultipleArgumentsPerToken = true };
        var purge = new Option<bool>("--purge") { Description = "Rewrite the store and impression files now, so that no byte of the erased users remains (a full compaction)" };
        var command = new Command("erase", "Erase users (the right to erasure): gone for every read at once, and from the files with --purge or at the service's next purge") { users, purge };
        storeOptions.AddTo(command);
        servingOptions.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            await using var serving = servingOptions.Open(r, storeOptions);
            var erasure = serving.Get<UserErasure>();
            var json = ServingJson.Create(indented: false);
            var missing = 0;
            foreach (var user in r.GetValue(users) ?? [])
            {
                var result = erasure.Erase(user.Trim());
                missing += result.Found ? 0 : 1;
                Console.WriteLine(JsonSerializer.Serialize(new { user = user.Trim(), result.Found, result.Events, result.DeadLetters }, json));
            }

            if (r.GetValue(purge))
            {
                var purged = erasure.Purge();
                Console.WriteLine(JsonSerializer.Serialize(new { purged = purged.Erasures, answersRemoved = purged.Answers, milliseconds = purged.Milliseconds }, json));
            }
            else if (erasure.Ledger.Count > 0)
            {
                await Console.Error.WriteLineAsync("The erased users' bytes leave the files at the next purge: persona erase --purge, POST /v1/admin/compact, or the service's own within its purge bound.");
            }

            return missing == 0 ? 0 : 3;
        });
        return command;
    }
}
