using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Logging;
using PodUnits.Planning.Configuration;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits secret create|list|rm</c>: Secrets in /etc/podunits/secrets, plain or
/// encrypted with systemd-creds; values are never printed (docs/configuration.md).</summary>
internal static class SecretCommand
{
    public static Command Create()
    {
        var command = new Command("secret", "Create, list and remove Secrets in /etc/podunits/secrets (values are never printed).");
        command.Subcommands.Add(CreateVerb());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command CreateVerb()
    {
        var name = new Argument<string>("NAME") { Description = "The Secret's name, as pods refer to it." };
        var literal = new Option<string[]>("--from-literal")
        {
            Description = "KEY=VALUE; may repeat. The value is visible in the process list while this runs: prefer --from-file.",
            AllowMultipleArgumentsPerToken = false,
        };
        var file = new Option<string[]>("--from-file") { Description = "[KEY=]PATH: the file's bytes under KEY (default: the file's name); may repeat." };
        var encrypt = new Option<bool>("--encrypt")
        {
            Description = "Store it encrypted with systemd-creds (host key, TPM2 where present) as NAME.cred; pods decrypt it in memory at start.",
        };
        var replace = new Option<bool>("--replace") { Description = "Write over an existing Secret of this name (without it, that is an error); an encrypted one stays encrypted." };
        var command = new Command("create",
            "Write Secret NAME to /etc/podunits/secrets/NAME.yaml (root only), or encrypted to NAME.cred with --encrypt.\n" +
            "Pods use it through secretKeyRef, envFrom secretRef and secret volumes; `systemctl reload pod@POD` updates running pods' volumes.\n" +
            "  podunits secret create db --from-file password=./password.txt --encrypt\n" +
            "  podunits secret create api --from-literal token=abc123 --replace")
        {
            name, literal, file, encrypt, replace,
        };
        command.SetAction(parse =>
        {
            var data = new List<KeyValuePair<string, byte[]>>();
            foreach (string entry in parse.GetValue(literal) ?? [])
            {
                string[] kv = entry.Split('=', 2);
                // Without '=' the entry may be the value itself: it is not quoted back.
                data.Add(kv.Length == 2 ? new(kv[0], Encoding.UTF8.GetBytes(kv[1]))
                    : throw new BadInputException("--from-literal", "an entry has no '=': each must be KEY=VALUE (the entry is not shown: it may be the value)"));
            }
            foreach (string entry in parse.GetValue(file) ?? [])
            {
                string[] kv = entry.Split('=', 2);
                string path = kv.Length == 2 ? kv[1] : kv[0];
                string key = kv.Length == 2 ? kv[0] : Path.GetFileName(path);
                byte[] bytes = FromFile(path);
                data.Add(new(key, bytes));
            }
            string? plainBefore = parse.GetValue(replace) ? SecretFiles.PlainFile(parse.GetValue(name)!) : null;
            string written = SecretFiles.Create(parse.GetValue(name)!, data, parse.GetValue(encrypt), parse.GetValue(replace));
            Console.WriteLine($"secret {parse.GetValue(name)}: {data.Count} key{(data.Count == 1 ? "" : "s")} written to {written}");
            if (plainBefore is not null && written.EndsWith(PodUnits.Definitions.Parsing.EncryptedSecrets.Extension, StringComparison.Ordinal))
            {
                // Deleting a file does not erase it: ext4's free blocks, etckeeper's history and
                // backups of /etc keep what it held. Encrypting it now protects the next value.
                Console.Error.WriteLine($"podunits: note: {plainBefore} is removed, but its old value may survive in the disk's free blocks "
                    + "and in backups or version control of /etc; rotate it if that matters");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A Secret's value from a file: a regular one of at most 1 MiB, the size
    /// Kubernetes allows a whole Secret (so /dev/zero or a FIFO is refused, not read forever).</summary>
    private static byte[] FromFile(string path)
    {
        const int MaxSecretBytes = 1 << 20;
        try
        {
            return BoundedFile.Read(path, MaxSecretBytes, out string? refusal) ?? throw new BadInputException($"--from-file {path}", refusal!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"--from-file {path}", e is FileNotFoundException ? "no such file" : e.Message);
        }
    }

    private static Command List()
    {
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("list", """
            List the Secrets in /etc/podunits/secrets: name, encrypted or not, key names (never values).
              podunits secret list
              podunits secret list -o json
            """) { output };
        command.SetAction(parse =>
        {
            IReadOnlyList<SecretSummary> rows = SecretFiles.List();
            if (parse.GetValue(output) == OutputFormat.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(rows.ToList(), SecretJsonContext.Default.ListSecretSummary));
                return 0;
            }
            int width = Math.Max(4, rows.Count == 0 ? 4 : rows.Max(r => r.Name.Length));
            Console.WriteLine($"{"NAME".PadRight(width)}  {"STORED",-9}  KEYS");
            foreach (SecretSummary row in rows)
            {
                Console.WriteLine($"{row.Name.PadRight(width)}  {(row.Encrypted ? "encrypted" : "plain"),-9}  {(row.Error is null ? string.Join(",", row.Keys) : "(unreadable)")}");
            }
            foreach (SecretSummary row in rows)
            {
                if (row.Error is not null)
                {
                    PodLog.Warning($"{row.File}: {row.Error}");
                }
                foreach (string shadowed in row.Shadowed)
                {
                    PodLog.Warning($"{shadowed}: not read by any pod: {row.File} of the same name is ('podunits secret rm {row.Name}' removes both)");
                }
            }
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("NAME") { Description = "The Secret to remove." };
        var command = new Command("rm", """
            Remove a Secret from /etc/podunits/secrets (running pods keep what they have until they restart).
              podunits secret rm db
            """) { name };
        command.SetAction(parse =>
        {
            foreach (string file in SecretFiles.Remove(parse.GetValue(name)!))
            {
                Console.WriteLine($"removed {file}");
            }
            return 0;
        });
        return command;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<SecretSummary>))]
internal sealed partial class SecretJsonContext : JsonSerializerContext;
