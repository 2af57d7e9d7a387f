using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Definitions;
using PodUnits.Definitions.Parsing;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.Configuration;

/// <summary>A Secret as `podunits secret list` shows it: never its values. File is the one pods
/// read; Shadowed, other files of the same name they do not; Error, why it cannot be read
/// (Keys is empty then).</summary>
public sealed record SecretSummary(string Name, bool Encrypted, IReadOnlyList<string> Keys, string File,
    IReadOnlyList<string> Shadowed, string? Error);

/// <summary>
/// `podunits secret create|list|rm`: Secret files in /etc/podunits/secrets, plain
/// (NAME.yaml, root-only) or encrypted with systemd-creds (NAME.cred, whose plaintext is the
/// same document, built and encrypted in memory). ConfigMaps need no such verb: they are
/// plain text that a file in /etc/podunits/configmaps holds as well (docs/configuration.md).
/// </summary>
public static class SecretFiles
{
    public const string Directory = "/etc/podunits/secrets";

    /// <summary>The most a Secret's values may add up to (Kubernetes' 1 MiB).</summary>
    public const int MaxDataBytes = 1 << 20;

    /// <summary>The most systemd-creds encrypts (CREDENTIAL_SIZE_MAX).</summary>
    private const int MaxEncryptedDocumentBytes = 1 << 20;

    /// <summary>Writes Secret <paramref name="name"/> with <paramref name="data"/>; returns the
    /// file. An existing Secret of that name is an error unless <paramref name="replace"/>, as
    /// with kubectl create and podman secret create.</summary>
    public static string Create(string name, IReadOnlyList<KeyValuePair<string, byte[]>> data, bool encrypt, bool replace = false,
        string directory = Directory) =>
        Create(name, data, encrypt, replace, directory, EncryptedSecrets.Encrypt);

    /// <param name="encryptWith">Encrypts a document as a credential of a name (systemd-creds).</param>
    internal static string Create(string name, IReadOnlyList<KeyValuePair<string, byte[]>> data, bool encrypt, bool replace,
        string directory, Func<string, string, string> encryptWith)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(encryptWith);
        string what = $"secret {name}";
        if (ConfigObject.ExplainName(name) is string why)
        {
            throw new BadInputException(what, why);
        }
        if (data.Count == 0)
        {
            throw new BadInputException(what, "no keys: give --from-literal KEY=VALUE or --from-file [KEY=]PATH");
        }
        // Kubernetes' limit on a Secret's decoded data, checked before anything is written:
        // 800 KiB passed here and made a file pods refused (config review of 2026-12-06, 2).
        long total = data.Sum(kv => (long)kv.Value.Length);
        if (total > MaxDataBytes)
        {
            throw new BadInputException(what, $"its values add up to {total} bytes; a Secret holds at most {MaxDataBytes} (Kubernetes' limit)");
        }
        foreach ((string key, _) in data)
        {
            if (ConfigObject.ExplainKey(key) is string bad)
            {
                throw new BadInputException(what, $"key \"{key}\" is not valid: {bad}");
            }
        }
        if (data.Select(d => d.Key).Distinct(StringComparer.Ordinal).Count() != data.Count)
        {
            throw new BadInputException(what, "a key is given twice");
        }
        if (!replace && Files(name, directory).FirstOrDefault() is { } existing)
        {
            throw new BadInputException(what, $"already exists ({existing}); --replace writes over it");
        }
        encrypt = Encrypts(name, encrypt, replace, directory);
        var yaml = new StringBuilder($"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\ntype: Opaque\ndata:\n");
        foreach ((string key, byte[] value) in data)
        {
            yaml.Append("  \"").Append(key).Append("\": ").Append(Convert.ToBase64String(value)).Append('\n');
        }
        // systemd-creds encrypts at most 1 MiB (systemd's CREDENTIAL_SIZE_MAX), and the values
        // are base64 in the document: said before it fails there.
        if (encrypt && Encoding.UTF8.GetByteCount(yaml.ToString()) is int plain && plain > MaxEncryptedDocumentBytes)
        {
            throw new BadInputException(what, $"encrypted, its document would be {plain} bytes, more than the {MaxEncryptedDocumentBytes} systemd-creds encrypts "
                + "(about 760 KiB of values, which are base64 in it)");
        }
        string text;
        try
        {
            text = encrypt ? encryptWith(yaml.ToString(), EncryptedSecrets.CredentialName(name)) : yaml.ToString();
        }
        catch (IOException e)
        {
            // The host's condition (no systemd-creds before systemd 250, no host key or TPM2 to
            // be had), not PodUnits' bug: one line saying so, not "internal error" (CLI review
            // of 2026-12-07, finding 5). Nothing is written.
            throw new PodUnitsException(what, e.Message, ExitCodes.RuntimeFailure, e);
        }
        string path = $"{directory}/{name}{(encrypt ? EncryptedSecrets.Extension : ".yaml")}";
        // Root's only, like the files: even the names of secrets are nobody else's business.
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Written whole under a temporary name and renamed over the old file: a start reading it
        // meanwhile sees the old value or the new one, and a failed write (a full disk) keeps
        // the old one. The other form goes only then: it would shadow or be shadowed.
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        foreach (string other in Files(name, directory).Where(f => f != path))
        {
            File.Delete(other);
        }
        return path;
    }

    /// <summary>Whether the new value is stored encrypted: when asked, and when it replaces
    /// an encrypted one. A routine rotation (`--replace` without `--encrypt`, as in reload's
    /// help) must not leave a value that was kept off the disk in plain text (tour G); to
    /// store it in plain text, `podunits secret rm NAME` first.</summary>
    internal static bool Encrypts(string name, bool encrypt, bool replace, string directory = Directory) =>
        encrypt || (replace && File.Exists($"{directory}/{name}{EncryptedSecrets.Extension}"));

    public static IReadOnlyList<SecretSummary> List(string directory = Directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }
        var result = new List<SecretSummary>();
        IEnumerable<string> names = System.IO.Directory.EnumerateFiles(directory).Select(Path.GetFileName)
            .Select(fileName => Extensions.Where(e => fileName!.EndsWith(e, StringComparison.Ordinal)).Select(e => fileName![..^e.Length]).FirstOrDefault())
            .OfType<string>().Where(name => ConfigObject.ExplainName(name) is null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (string name in names)
        {
            // The first of Files is the one a pod loads (ConfigObjectCatalog's order).
            string[] files = [.. Files(name, directory)];
            if (files.Length == 0)
            {
                continue;
            }
            bool encrypted = files[0].EndsWith(EncryptedSecrets.Extension, StringComparison.Ordinal);
            // Loaded the way a pod loads it (decrypted in memory), for its key names only.
            ConfigObject? o = ConfigObjectLookup.Find(ConfigObjectKind.Secret, name, [Path.GetDirectoryName(directory)!], out IReadOnlyList<Diagnostic> problems);
            result.Add(new SecretSummary(name, encrypted, o is null ? [] : [.. o.Data.Keys.Order(StringComparer.Ordinal)], files[0],
                files[1..], o is null ? Unreadable(encrypted, problems) : null));
        }
        return result;
    }

    public static IReadOnlyList<string> Remove(string name, string directory = Directory)
    {
        string what = $"secret {name}";
        if (ConfigObject.ExplainName(name) is string why)
        {
            throw new BadInputException(what, why);
        }
        string[] files = [.. Files(name, directory)];
        if (files.Length == 0)
        {
            throw new BadInputException(what, $"no such secret in {directory} (packaged ones in /usr/lib/podunits/secrets are the package's to remove)");
        }
        foreach (string file in files)
        {
            File.Delete(file);
        }
        return files;
    }

    /// <summary>Why a Secret cannot be read: its first error (a warning, such as one about the
    /// file's mode, is no reason). What is wrong inside one is not shown, as a parser's message
    /// may quote a value and the list may go to a log: where it is, and that `validate` says
    /// what; of an encrypted one, that its plaintext is no valid Secret. Whatever needs no
    /// content is said: a file that cannot be read or decrypted.</summary>
    internal static string Unreadable(bool encrypted, IReadOnlyList<Diagnostic> problems)
    {
        Diagnostic? first = problems.FirstOrDefault(d => d.IsError);
        if (first is null)
        {
            return "cannot be read";
        }
        if (first.Message.StartsWith("cannot be decrypted", StringComparison.Ordinal) || first.Message.StartsWith("cannot be read", StringComparison.Ordinal))
        {
            return first.Message;
        }
        return encrypted
            ? "its decrypted document is not a valid Secret ('podunits secret create --replace' writes a new one)"
            : $"not a valid Secret at {first.Line}:{first.Column} ('podunits validate' of a pod that uses it says what is wrong; not shown here, as it may quote a value)";
    }

    /// <summary>The forms of a Secret file, in the order a pod's load looks for them.</summary>
    private static readonly string[] Extensions = [".yaml", ".yml", EncryptedSecrets.Extension];

    /// <summary>The plain-text file of Secret <paramref name="name"/>, or null: what an
    /// encrypted replacement removes, whose blocks and backups may still hold the value.</summary>
    public static string? PlainFile(string name, string directory = Directory) =>
        Files(name, directory).FirstOrDefault(f => !f.EndsWith(EncryptedSecrets.Extension, StringComparison.Ordinal));

    private static IEnumerable<string> Files(string name, string directory) =>
        Extensions.Select(e => $"{directory}/{name}{e}").Where(File.Exists);
}
