namespace Greetings;

/// <summary>The library of the examples.</summary>
public static class Greeting
{
    /// <summary>A greeting for <paramref name="name"/>.</summary>
    public static string For(string name) => $"Hello from {name}.";
}
