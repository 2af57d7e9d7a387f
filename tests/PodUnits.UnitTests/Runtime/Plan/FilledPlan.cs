using System.Collections;
using System.Reflection;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime.Plan;

/// <summary>A plan whose every property, at every depth, holds a value other than its
/// default: the guard against drift between the plan's types and its hand-written reader and
/// writer (PlanReaderTests, PlanWriterTests).</summary>
internal static class FilledPlan
{
    public static PodPlan Create() => (PodPlan)Filled(typeof(PodPlan), new Counter());

    private sealed class Counter
    {
        private int _next = 1;

        public int Next() => _next++;
    }

    /// <summary>An instance of <paramref name="type"/> whose every property holds a value no
    /// class gives by default: distinct numbers and strings, true, the enum's last member,
    /// lists of two, nested objects filled in turn.</summary>
    private static object Filled(Type type, Counter counter)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(string))
        {
            return $"s{counter.Next()}";
        }
        if (plain == typeof(bool))
        {
            return true;
        }
        if (plain == typeof(int) || plain == typeof(uint) || plain == typeof(ulong))
        {
            return Convert.ChangeType(1000 + counter.Next(), plain, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (plain == typeof(byte[]))
        {
            return new byte[] { 1, 2, (byte)counter.Next() };
        }
        if (plain.IsEnum)
        {
            return Enum.GetValues(plain).Cast<object>().Last();
        }
        if (plain.IsGenericType && plain.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(plain)!;
            list.Add(Filled(plain.GetGenericArguments()[0], counter));
            list.Add(Filled(plain.GetGenericArguments()[0], counter));
            return list;
        }
        ConstructorInfo constructor = plain.GetConstructors().OrderBy(c => c.GetParameters().Length).First();
        object instance = constructor.Invoke([.. constructor.GetParameters().Select(p => Filled(p.ParameterType, counter))]);
        foreach (PropertyInfo property in plain.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true })
            {
                property.SetValue(instance, Filled(property.PropertyType, counter));
            }
        }
        return instance;
    }
}
