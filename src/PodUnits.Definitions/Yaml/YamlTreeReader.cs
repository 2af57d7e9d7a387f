using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PodUnits.Definitions.Yaml;

/// <summary>
/// Reads a YAML stream's documents into <see cref="YNode"/> trees from YamlDotNet's parser events.
///
/// Why parser events and not YamlDotNet's Deserializer: the reflection deserializer is not
/// AOT-safe, and its AOT form (the static generator context) maps straight into objects, so it
/// cannot tell us where each field was, cannot report every unknown field (it stops at the
/// first, or ignores them all) and cannot distinguish a quoted "80" from 80. Walking events
/// keeps the position of every node and lets the mappers report all problems in one run.
///
/// Hostile input is bounded: at most MaxDocuments documents, a nesting depth limit, and alias expansion
/// counted (a "billion laughs" file is refused, not expanded). An alias may only point at a
/// node that is already complete, so a node cannot contain itself.
/// </summary>
internal sealed class YamlTreeReader
{
    public const int MaxDepth = 64;
    public const long MaxExpandedNodes = 100_000;

    /// <summary>A scalar counts as one node more for this many characters of its text, so
    /// a document expands to at most MaxExpandedNodes × this many characters (6.4 M).</summary>
    public const int ScalarCharsPerNode = 64;

    private readonly Dictionary<string, YNode> anchors = new(StringComparer.Ordinal);
    private readonly List<YamlProblem> problems = [];
    private bool emptyIsValid;

    /// <summary>Parses <paramref name="text"/>, a stream of one or more documents; returns
    /// their roots (empty documents left out), or none with the reason(s) in
    /// <paramref name="problems"/>. An empty stream is a problem unless
    /// <paramref name="emptyIsValid"/> (a settings file with nothing set yet).</summary>
    public static IReadOnlyList<YNode> ReadAll(string text, out IReadOnlyList<YamlProblem> problems, bool emptyIsValid = false)
    {
        var reader = new YamlTreeReader { emptyIsValid = emptyIsValid };
        List<YNode> roots = [];
        var scanner = new Scanner(new StringReader(text));
        try
        {
            roots = reader.ReadStream(new Parser(scanner));
        }
        catch (YamlException e)
        {
            // A tab in indentation: YamlDotNet points at where the enclosing mapping began
            // (1:1 for a whole file), not at the tab; its scanner stopped at the tab. The
            // first tab among a line's leading blanks was taken before, which may be a legal
            // one in an earlier block scalar (a tab-indented script in `args: - |`), far
            // from the error (definitions review of 2026-12-07, finding 9).
            Mark at = e.Message.Contains("tab", StringComparison.Ordinal) ? scanner.CurrentPosition : e.Start;
            reader.problems.Add(new YamlProblem(Line(at), Column(at), "YAML syntax: " + Describe(e)));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18.1's scanner throws this (not a YamlException) on some malformed
            // flow collections, e.g. a comment right after a ',' inside [...]; found by
            // MutationFuzzTests. Report it as the syntax error it is. ArgumentException (and
            // ArgumentOutOfRangeException) on an invalid surrogate pair escape ("\ud800\u0041")
            // or a verbatim tag that is not a URI (!<t+ag>), found by the definitions review
            // of 2026-12-06: it escaped as an "internal error", exit 1, restarted for ever.
            Mark at = scanner.CurrentPosition;
            reader.problems.Add(new YamlProblem(Line(at), Column(at), "YAML syntax: malformed YAML near here"));
        }
        catch (TreeLimitException e)
        {
            reader.problems.Add(e.Problem);
        }
        problems = reader.problems;
        return reader.problems.Count == 0 ? roots : [];
    }

    /// <summary>A stream holds at most this many documents (a pod and its objects).</summary>
    public const int MaxDocuments = 256;

    private List<YNode> ReadStream(Parser parser)
    {
        var roots = new List<YNode>();
        int documents = 0;
        long size = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is not DocumentStart start)
            {
                continue;
            }
            if (++documents > MaxDocuments)
            {
                throw new TreeLimitException(new YamlProblem(Line(start.Start), Column(start.Start),
                    $"more than {MaxDocuments} YAML documents in one file"));
            }
            anchors.Clear(); // anchors do not reach across documents
            parser.MoveNext();
            YNode root = ReadNode(parser, 1);
            size = Grow(size, root, start);
            if (root is not YScalar { IsNull: true })
            {
                roots.Add(root);
            }
        }
        if ((documents == 0 || roots.Count == 0) && !emptyIsValid)
        {
            problems.Add(new YamlProblem(1, 1, "the file is empty; expected a Kubernetes manifest"));
        }
        return roots;
    }

    /// <summary>Reads the node whose first event is current; leaves the parser on its last event.</summary>
    private YNode ReadNode(Parser parser, int depth)
    {
        ParsingEvent ev = parser.Current!;
        if (depth > MaxDepth)
        {
            throw new TreeLimitException(new YamlProblem(Line(ev.Start), Column(ev.Start),
                $"nesting is deeper than {MaxDepth} levels"));
        }
        switch (ev)
        {
            case AnchorAlias alias:
                if (!anchors.TryGetValue(alias.Value.Value, out YNode? target))
                {
                    throw new TreeLimitException(new YamlProblem(Line(ev.Start), Column(ev.Start),
                        $"alias *{alias.Value.Value} refers to an anchor that is not defined before it"));
                }
                return target;
            case Scalar scalar:
            {
                bool plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;
                // Its text counts too, a node per ScalarCharsPerNode characters: 2,000 aliases
                // of one 300 KB string were 2,000 nodes, and every consumer that copies the
                // text (a ConfigMap's bytes, an env expansion, the plan) paid gigabytes for a
                // file under 1 MiB (definitions review of 2026-12-06, finding 1).
                var node = new YScalar(Line(ev.Start), Column(ev.Start), scalar.Value, plain)
                {
                    ExpandedSize = 1 + scalar.Value.Length / ScalarCharsPerNode,
                };
                Remember(scalar, node);
                return node;
            }
            case SequenceStart seq:
            {
                var node = new YSequence(Line(ev.Start), Column(ev.Start));
                long size = 1;
                while (parser.MoveNext() && parser.Current is not SequenceEnd)
                {
                    YNode item = ReadNode(parser, depth + 1);
                    node.Items.Add(item);
                    size = Grow(size, item, ev);
                }
                node.ExpandedSize = size;
                Remember(seq, node);
                return node;
            }
            case MappingStart map:
            {
                var node = new YMapping(Line(ev.Start), Column(ev.Start));
                long size = 1;
                var merged = new List<KeyValuePair<YNode, YNode>>();
                YNode? mergeKey = null;
                while (parser.MoveNext() && parser.Current is not MappingEnd)
                {
                    YNode key = ReadNode(parser, depth + 1);
                    parser.MoveNext();
                    YNode value = ReadNode(parser, depth + 1);
                    size = Grow(Grow(size, key, ev), value, ev);
                    if (key is YScalar { IsPlain: true, Value: "<<" })
                    {
                        if (mergeKey is not null)
                        {
                            throw SecondMergeKey(mergeKey, key);
                        }
                        mergeKey = key;
                        merged.AddRange(MergeSources(key, value));
                        CheckMergeShadows(node, key, merged);
                        continue;
                    }
                    node.Entries.Add(new(key, value));
                }
                Merge(node, merged);
                node.ExpandedSize = size;
                Remember(map, node);
                return node;
            }
            default:
                throw new TreeLimitException(new YamlProblem(Line(ev.Start), Column(ev.Start),
                    $"unexpected YAML event {ev.GetType().Name}"));
        }
    }

    /// <summary>
    /// The entries a merge key (<c>&lt;&lt;: *base</c> or <c>&lt;&lt;: [*a, *b]</c>) brings in,
    /// in precedence order. Kubernetes reads manifests with go-yaml, which applies YAML 1.1's
    /// merge keys, so kubectl and podman kube play accept them: a manifest that shares a
    /// container's fields this way must mean the same here.
    /// </summary>
    private static IEnumerable<KeyValuePair<YNode, YNode>> MergeSources(YNode key, YNode value)
    {
        IEnumerable<YNode> sources = value is YSequence list ? list.Items : [value];
        foreach (YNode source in sources)
        {
            if (source is not YMapping map)
            {
                throw new TreeLimitException(new YamlProblem(source.Line, source.Column,
                    $"the merge key '<<' at {key.Line}:{key.Column} needs a mapping or a list of mappings, found {source.KindName}"));
            }
            foreach (KeyValuePair<YNode, YNode> entry in map.Entries)
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Where YAML 1.1 and kubectl part ways, an error: go-yaml v2, which kubectl and podman
    /// read manifests with (sigs.k8s.io/yaml), applies a merge where its `&lt;&lt;` stands,
    /// over the keys written before it, and a second `&lt;&lt;` over the first. Read as YAML
    /// 1.1 says, a container ran with other limits than in a cluster (definitions review of
    /// 2026-12-07, finding 5). A repeated `&lt;&lt;` was not even a duplicate key.
    /// </summary>
    private static TreeLimitException SecondMergeKey(YNode first, YNode key) =>
        new(new YamlProblem(key.Line, key.Column,
            $"a second merge key '<<' in one mapping (the first is at {first.Line}:{first.Column}): kubectl and podman let the later one win, " +
            "YAML 1.1 the first; merge both with one, <<: [*a, *b], where the first source wins"));

    /// <summary>A key written before the merge key <paramref name="key"/> that a source of it
    /// sets too: kubectl and podman take the merged value, YAML 1.1 the written one.</summary>
    private static void CheckMergeShadows(YMapping node, YNode key, List<KeyValuePair<YNode, YNode>> merged)
    {
        var mergedKeys = new HashSet<string>(merged.Select(e => e.Key).OfType<YScalar>().Select(k => k.Value), StringComparer.Ordinal);
        if (node.Entries.Select(e => e.Key).OfType<YScalar>().FirstOrDefault(k => mergedKeys.Contains(k.Value)) is YScalar own)
        {
            throw new TreeLimitException(new YamlProblem(own.Line, own.Column,
                $"\"{own.Value}\" is set here and by the merge key '<<' at {key.Line}:{key.Column} after it: kubectl and podman take the merged value, " +
                "YAML 1.1 this one; move the key after the '<<'"));
        }
    }

    /// <summary>Adds the merged entries a mapping does not set itself: its own keys win, then
    /// the first source that has a key (YAML 1.1's merge type).</summary>
    private static void Merge(YMapping node, List<KeyValuePair<YNode, YNode>> merged)
    {
        if (merged.Count == 0)
        {
            return;
        }
        var present = new HashSet<string>(node.Entries.Select(e => e.Key).OfType<YScalar>().Select(k => k.Value), StringComparer.Ordinal);
        foreach (KeyValuePair<YNode, YNode> entry in merged)
        {
            if (entry.Key is not YScalar key || present.Add(key.Value))
            {
                node.Entries.Add(entry);
            }
        }
    }

    private static long Grow(long size, YNode child, ParsingEvent at)
    {
        size += child.ExpandedSize;
        if (size > MaxExpandedNodes)
        {
            throw new TreeLimitException(new YamlProblem(Line(at.Start), Column(at.Start),
                $"the document expands to more than {MaxExpandedNodes} nodes, counting {ScalarCharsPerNode} characters of text as one (aliases?); refusing it"));
        }
        return size;
    }

    private void Remember(NodeEvent ev, YNode node)
    {
        if (!ev.Anchor.IsEmpty)
        {
            anchors[ev.Anchor.Value] = node;
        }
    }

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int Column(Mark mark) => (int)Math.Min(mark.Column, int.MaxValue);

    /// <summary>YamlDotNet's message without the "(Line: .., Col: ..)" prefix: we print the
    /// position ourselves.</summary>
    private static string Describe(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0)
        {
            message = message[(cut + 3)..];
        }
        return message.TrimEnd('.');
    }

    private sealed class TreeLimitException(YamlProblem problem) : Exception(problem.Message)
    {
        public YamlProblem Problem { get; } = problem;
    }
}

internal readonly record struct YamlProblem(int Line, int Column, string Message);
