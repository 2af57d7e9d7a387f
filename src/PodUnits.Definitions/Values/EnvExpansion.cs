using System.Text;

namespace PodUnits.Definitions;

/// <summary>
/// Kubernetes' $(VAR) expansion in command, args and env values (as documented for
/// "Define a command and arguments": "$(VAR)" is replaced by the variable's value; "$$" is an
/// escaped "$"; a reference to an undefined variable, or an unclosed "$(", stays as written).
/// Behaviour follows k8s.io/kubernetes third_party/forked/golang/expansion.
/// </summary>
public static class EnvExpansion
{
    /// <summary>The longest expansion: the kernel's MAX_ARG_STRLEN, the most one argument or
    /// NAME=value can hold at execve. Each variable may repeat the one before it twice, so
    /// forty lines doubled a value into gigabytes in the executor (root) before execve
    /// could refuse it (definitions review of 2026-12-06, finding 3).</summary>
    public const int MaxExpandedLength = 128 * 1024;

    /// <param name="subject">What is expanded, for the error ("env NAME").</param>
    public static string Expand(string input, Func<string, string?> lookup, string subject = "a $(VAR) expansion")
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }
        var buf = new StringBuilder(input.Length);
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length)
            {
                continue;
            }
            buf.Append(input, checkpoint, cursor - checkpoint);
            char next = input[cursor + 1];
            int advance = 1;
            if (next == '$')
            {
                buf.Append('$');
            }
            else if (next == '(')
            {
                int close = input.IndexOf(')', cursor + 2);
                if (close < 0)
                {
                    buf.Append("$(");
                }
                else
                {
                    string name = input[(cursor + 2)..close];
                    buf.Append(lookup(name) ?? $"$({name})");
                    advance = close - cursor;
                    if (buf.Length > MaxExpandedLength)
                    {
                        throw new PodUnits.Core.Errors.BadInputException(subject,
                            $"expands to more than {MaxExpandedLength} characters (the most an argument or variable can hold); $({name}) is {lookup(name)?.Length ?? 0} characters long");
                    }
                }
            }
            else
            {
                buf.Append('$').Append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        buf.Append(input, checkpoint, input.Length - checkpoint);
        return buf.ToString();
    }
}
