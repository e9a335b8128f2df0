using System.Globalization;
using Persona.Storage.Encryption;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona encryption-key --file PATH</c>: adds a new random key to a key file (made with mode 0600 if missing),
/// with the next id, so that it encrypts every value written from the next start on; the keys before it go on
/// decrypting what they wrote. docs/SECURITY.md says when an old key may be removed.
/// </summary>
internal static class EncryptionKeyCommand
{
    public static System.CommandLine.Command Create()
    {
        var file = new System.CommandLine.Option<string>("--file") { Description = "The key file to add a key to (created if missing)", Required = true };
        var command = new System.CommandLine.Command("encryption-key", "Add a new key to a key file for encryption at rest (creates the file; a later key rotates)") { file };
        command.SetAction(r =>
        {
            var path = r.GetValue(file)!;
            var existing = File.Exists(path) ? StoreKeyRing.FromFile(path) : null;
            var id = existing is null ? (byte)1 : existing.Primary == byte.MaxValue ? throw new InvalidOperationException($"{path}: key 255 is the last id") : (byte)(existing.Primary + 1);
            using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                stream.Write(System.Text.Encoding.UTF8.GetBytes(StoreKeyRing.NewEntry(id) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"key {id} added to {path}; it encrypts new values from the next start"));
            return 0;
        });
        return command;
    }
}
