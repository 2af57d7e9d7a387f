using System.Text.Json;
using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Confinement.Seccomp;

/// <summary>Reads seccomp profiles: the built-in RuntimeDefault and Localhost profile files.</summary>
public static class SeccompProfiles
{
    private const string RuntimeDefaultResource = "PodUnits.Runtime.Confinement.Seccomp.runtime-default.json";

    private static readonly Lazy<SeccompProfile> Default = new(() => Parse(ReadRuntimeDefault(), "RuntimeDefault"));

    /// <summary>PodUnits' default profile (runtime-default.json beside this file; its README says what
    /// it follows). Shared: do not change it.</summary>
    public static SeccompProfile RuntimeDefault => Default.Value;

    /// <summary>Reads a profile in the Docker/OCI format. Throws <see cref="BadInputException"/>
    /// ("seccomp profile SOURCE") naming every problem: bad JSON, unknown fields, unknown actions,
    /// operators, architectures or capabilities, and what PodUnits does not support.</summary>
    public static SeccompProfile Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        string what = $"seccomp profile {source}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new BadInputException(what, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            Refuse(what, SeccompJsonFields.Unknown(document.RootElement));
            SeccompProfile profile = Deserialize(document.RootElement, what);
            Refuse(what, SeccompProfileChecks.Errors(profile));
            profile.Source = source;
            return profile;
        }
    }

    private static SeccompProfile Deserialize(JsonElement root, string what)
    {
        try
        {
            return root.Deserialize(SeccompJsonContext.Default.SeccompProfile)
                ?? throw new BadInputException(what, "the profile must be a JSON object");
        }
        catch (JsonException e)
        {
            string at = e.Path is { Length: > 2 } path ? path[2..] : "the profile";
            throw new BadInputException(what, $"{at}: a value of the wrong type or out of range");
        }
    }

    private static void Refuse(string what, IEnumerable<string> errors)
    {
        List<string> all = [.. errors];
        if (all.Count > 0) throw new BadInputException(what, string.Join("; ", all));
    }

    private static string ReadRuntimeDefault() => System.Text.Encoding.UTF8.GetString(RuntimeDefaultJson);

    /// <summary>runtime-default.json as embedded, byte for byte (the seccomp cache hashes it).</summary>
    public static byte[] RuntimeDefaultJson
    {
        get
        {
            using Stream stream = typeof(SeccompProfiles).Assembly.GetManifestResourceStream(RuntimeDefaultResource)
                ?? throw new InvalidOperationException($"{RuntimeDefaultResource} is not embedded in PodUnits.Runtime");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
