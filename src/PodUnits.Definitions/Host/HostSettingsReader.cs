using PodUnits.Definitions.Parsing;
using PodUnits.Definitions.Yaml;

namespace PodUnits.Definitions.Host;

/// <summary>Reads podunits.yaml with the definitions' own YAML reader and field checks, so its
/// errors look like a definition's: FILE:LINE:COLUMN, unknown keys with a suggestion.</summary>
internal static class HostSettingsReader
{
    /// <summary>The keys of podunits.yaml.</summary>
    private static readonly FieldTable Keys = new(["allowedUnsafeSysctls", "userNamespaces", "userNamespacePool", "pidsLimit"]);

    private static readonly FieldTable PoolKeys = new(["first", "size"]);

    private static readonly string[] UserNamespacesValues = ["host", "auto"];

    private const long MaxBytes = 1024 * 1024;

    public static HostSettings Read(string text, string path)
    {
        var ctx = new ParseContext(path);
        if (text.Length > MaxBytes)
        {
            ctx.Error(1, 1, $"is too large for a settings file ({text.Length} characters; at most {MaxBytes})");
            return Result(ctx, path);
        }
        IReadOnlyList<YNode> documents = YamlTreeReader.ReadAll(text, out IReadOnlyList<YamlProblem> problems, emptyIsValid: true);
        foreach (YamlProblem p in problems)
        {
            ctx.Error(p.Line, p.Column, p.Message);
        }
        if (documents.Count > 1)
        {
            ctx.Error(documents[1], "a second YAML document; podunits.yaml holds one mapping of settings");
        }
        if (documents.Count == 0 || ctx.Object(documents[0], "", Keys) is not Fields top)
        {
            return Result(ctx, path);
        }
        HostSettings read = new()
        {
            AllowedUnsafeSysctls = AllowedUnsafeSysctls(top, ctx),
            UserNamespacesDefault = top.OneOf("userNamespaces", UserNamespacesValues) == "auto" ? UserNamespacesDefault.Auto : UserNamespacesDefault.Host,
            UserNamespacePool = Pool(top, ctx),
            // The kernel's own ceiling on PIDs (pid_max can be at most 2^22).
            PidsLimit = top.Integer("pidsLimit", 0, 1 << 22) ?? HostSettings.DefaultPidsLimit,
        };
        return Result(ctx, path, read);
    }

    private static HostSettings Result(ParseContext ctx, string path, HostSettings? read = null) =>
        (read ?? HostSettings.Default) with { Source = path, Diagnostics = ctx.Sorted() };

    /// <summary>userNamespacePool: {first, size}, both required, in whole 65,536-ID ranges,
    /// above the host's own 0..65535 and below 2^31.</summary>
    private static UserNamespacePool Pool(Fields top, ParseContext ctx)
    {
        if (top.Child("userNamespacePool", PoolKeys) is not Fields pool)
        {
            return UserNamespacePool.Default;
        }
        const uint step = UserNamespacePool.RangeSize;
        long? first = RangeBound(pool, "first", UserNamespacePool.MinFirst, UserNamespacePool.End - step, ctx);
        long? size = RangeBound(pool, "size", step, UserNamespacePool.End - UserNamespacePool.MinFirst, ctx);
        if (first is null || size is null)
        {
            return UserNamespacePool.Default;
        }
        if (first + size > UserNamespacePool.End)
        {
            ctx.Error(pool.Value("size")!, $"userNamespacePool: first + size must be at most {UserNamespacePool.End} " +
                $"(IDs from 2^31 up are avoided, as systemd's UIDS-GIDS.md advises), found {first} + {size} = {first + size}");
            return UserNamespacePool.Default;
        }
        return new UserNamespacePool((uint)first, (uint)size);
    }

    /// <summary>A required integer of the pool within bounds and a multiple of 65,536; null
    /// (reported) otherwise.</summary>
    private static long? RangeBound(Fields pool, string name, long min, long max, ParseContext ctx)
    {
        if (pool.Value(name) is null)
        {
            pool.Missing(name);
            return null;
        }
        if (pool.Integer(name, min, max) is not long n)
        {
            return null;
        }
        if (n % UserNamespacePool.RangeSize != 0)
        {
            ctx.Error(pool.Value(name)!, $"{pool.PathOf(name)}: must be a multiple of {UserNamespacePool.RangeSize} " +
                $"(each pod gets {UserNamespacePool.RangeSize} IDs), found {n}");
            return null;
        }
        return n;
    }

    /// <summary>As the kubelet checks --allowed-unsafe-sysctls: each entry a sysctl name or a
    /// prefix ending in '*', either separator, and known to be namespaced (a pattern that
    /// could match a host-wide sysctl is refused, not narrowed).</summary>
    private static List<string> AllowedUnsafeSysctls(Fields top, ParseContext ctx)
    {
        var result = new List<string>();
        List<string>? patterns = top.StringList("allowedUnsafeSysctls");
        if (patterns is null)
        {
            return result;
        }
        var items = ((YSequence)top.Value("allowedUnsafeSysctls")!).Items;
        for (int i = 0; i < patterns.Count && i < items.Count; i++)
        {
            string pattern = SysctlNames.Normalize(patterns[i]);
            bool prefix = pattern.EndsWith('*');
            string stem = prefix ? pattern[..^1] : pattern;
            // A prefix ends anywhere in a name ("kernel.msg*", "net.*"): it is valid when some
            // name can follow it, which one more letter tests. A lone "*" is valid syntax and
            // refused below: it would allow host-wide sysctls too.
            bool valid = prefix ? stem.Length == 0 || SysctlNames.Explain(stem + "x") is null : SysctlNames.Explain(stem) is null;
            if (!valid)
            {
                ctx.Error(items[i], $"allowedUnsafeSysctls[{i}]: \"{patterns[i]}\" is not a sysctl name or a prefix ending in '*' " +
                    "(e.g. net.core.somaxconn, kernel.msg*)");
            }
            else if (SysctlNames.NamespaceOf(stem) == SysctlNamespace.None)
            {
                ctx.Error(items[i], $"allowedUnsafeSysctls[{i}]: \"{patterns[i]}\" is not known to be namespaced " +
                    "(only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* are): a pod setting it would change the host");
            }
            else
            {
                result.Add(pattern);
            }
        }
        return result;
    }
}
