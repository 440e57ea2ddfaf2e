package org.orzspark.reward.latex;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.orzspark.reward.latex.Expr.Add;
import org.orzspark.reward.latex.Expr.Call;
import org.orzspark.reward.latex.Expr.Div;
import org.orzspark.reward.latex.Expr.Interval;
import org.orzspark.reward.latex.Expr.Matrix;
import org.orzspark.reward.latex.Expr.Mul;
import org.orzspark.reward.latex.Expr.Neg;
import org.orzspark.reward.latex.Expr.Num;
import org.orzspark.reward.latex.Expr.PlusMinus;
import org.orzspark.reward.latex.Expr.Pow;
import org.orzspark.reward.latex.Expr.Ratio;
import org.orzspark.reward.latex.Expr.Relation;
import org.orzspark.reward.latex.Expr.SetOf;
import org.orzspark.reward.latex.Expr.Sym;
import org.orzspark.reward.latex.Expr.Text;
import org.orzspark.reward.latex.Expr.Tuple;
import org.orzspark.reward.latex.Expr.Union;

/**
 * Recursive-descent parser from a normalised LaTeX answer ({@link LatexNormalizer}) to an {@link
 * Expr}. Grammar, loosest first: answer list ({@code ;} groups of {@code ,}/and/or items) →
 * relation chain → ratio {@code a:b} → sum (with {@code \pm}) → product (explicit and implicit) →
 * unary minus → power/factorial → primary (number, symbol, bracket, command). Nesting deeper than
 * {@link #MAX_DEPTH} and inputs longer than {@link #MAX_LENGTH} are rejected, so cost is linear in
 * the (bounded) input.
 */
public final class LatexParser {
  public static final int MAX_DEPTH = 48;
  public static final int MAX_LENGTH = 4_000;

  private static final Set<String> GREEK =
      Set.of(
          "alpha",
          "beta",
          "gamma",
          "delta",
          "epsilon",
          "varepsilon",
          "zeta",
          "eta",
          "theta",
          "vartheta",
          "iota",
          "kappa",
          "lambda",
          "mu",
          "nu",
          "xi",
          "rho",
          "sigma",
          "tau",
          "upsilon",
          "phi",
          "varphi",
          "chi",
          "psi",
          "omega",
          "Gamma",
          "Delta",
          "Theta",
          "Lambda",
          "Xi",
          "Sigma",
          "Phi",
          "Psi",
          "Omega");
  private static final Set<String> DECORATIONS =
      Set.of(
          "boxed",
          "fbox",
          "mathbf",
          "mathit",
          "mathbb",
          "mathcal",
          "mathsf",
          "bm",
          "boldsymbol",
          "overline",
          "underline",
          "bar",
          "vec",
          "hat",
          "widehat",
          "tilde",
          "overrightarrow");
  private static final Set<String> MATRIX_ENVIRONMENTS =
      Set.of("pmatrix", "bmatrix", "Bmatrix", "vmatrix", "matrix", "smallmatrix", "array");

  private final String s;
  private int pos;
  private int depth;
  private int bracketDepth;

  private LatexParser(String s) {
    this.s = s;
  }

  /** Normalises ({@link LatexNormalizer}) and parses a raw LaTeX answer. */
  public static Expr parseLatex(String raw) {
    if (raw.length() > MAX_LENGTH) {
      throw new LatexParseException("answer longer than " + MAX_LENGTH + " characters");
    }
    return parse(LatexNormalizer.normalize(raw));
  }

  /** Parses a normalised answer; throws {@link LatexParseException} when it is not understood. */
  public static Expr parse(String normalized) {
    if (normalized.length() > MAX_LENGTH) {
      throw new LatexParseException("answer longer than " + MAX_LENGTH + " characters");
    }
    LatexParser parser = new LatexParser(normalized);
    Expr result = parser.parseAnswerList();
    parser.skipTrailingPunctuation();
    if (parser.pos < normalized.length()) {
      throw parser.error("unexpected '" + normalized.charAt(parser.pos) + "'");
    }
    return result;
  }

  // ---- answer lists and relations -------------------------------------------------------------

  private Expr parseAnswerList() {
    List<List<Expr>> groups = new ArrayList<>();
    List<Expr> current = new ArrayList<>();
    groups.add(current);
    while (true) {
      current.add(parseRelation());
      skipSpaces();
      if (consumeListSeparator()) {
        if (atEnd()) {
          break;
        }
        continue;
      }
      if (peek() == ';') {
        pos++;
        skipSpaces();
        if (atEnd()) {
          break;
        }
        current = new ArrayList<>();
        groups.add(current);
        continue;
      }
      break;
    }
    if (groups.size() == 1) {
      return current.size() == 1 ? current.get(0) : new SetOf(current);
    }
    List<Expr> items = new ArrayList<>();
    for (List<Expr> group : groups) {
      items.add(group.size() == 1 ? group.get(0) : new Tuple(group));
    }
    return new SetOf(items);
  }

  /** A comma, or the words "and"/"or" between answers. */
  private boolean consumeListSeparator() {
    if (peek() == ',') {
      pos++;
      skipSpaces();
      return true;
    }
    for (String word : new String[] {"and", "or"}) {
      if (s.startsWith(word, pos) && !isLetter(charAt(pos + word.length()))) {
        pos += word.length();
        skipSpaces();
        return true;
      }
    }
    return false;
  }

  private Expr parseRelation() {
    List<Expr> operands = new ArrayList<>();
    List<String> operators = new ArrayList<>();
    operands.add(parseRatio());
    String op;
    while ((op = tryRelationOperator()) != null) {
      operators.add(op);
      operands.add(parseRatio());
    }
    return operators.isEmpty() ? operands.get(0) : buildRelation(operands, operators);
  }

  /**
   * Normalises a chain: it is cut at its first {@code \approx} (what follows is an approximation),
   * and a chain of only {@code >}/{@code >=} is reversed into {@code <}/{@code <=}.
   */
  private static Expr buildRelation(List<Expr> operands, List<String> operators) {
    int approx = operators.indexOf("~");
    if (approx == 0) {
      operators.set(0, "=");
      approx = operators.indexOf("~");
    }
    if (approx > 0) {
      operands = new ArrayList<>(operands.subList(0, approx + 1));
      operators = new ArrayList<>(operators.subList(0, approx));
    }
    operators.replaceAll(o -> o.equals("~") ? "=" : o);
    boolean allGreater = operators.stream().allMatch(o -> o.equals(">") || o.equals(">="));
    if (allGreater) {
      List<Expr> reversed = new ArrayList<>(operands);
      java.util.Collections.reverse(reversed);
      List<String> flipped = new ArrayList<>();
      for (int i = operators.size() - 1; i >= 0; i--) {
        flipped.add(operators.get(i).equals(">") ? "<" : "<=");
      }
      return new Relation(List.copyOf(reversed), List.copyOf(flipped));
    }
    return new Relation(List.copyOf(operands), List.copyOf(operators));
  }

  private String tryRelationOperator() {
    skipSpaces();
    String[][] spelled = {
      {"<=", "<="},
      {">=", ">="},
      {"!=", "!="},
      {"==", "="},
      {"=", "="},
      {"<", "<"},
      {">", ">"},
      {"\\le", "<="},
      {"\\ge", ">="},
      {"\\lt", "<"},
      {"\\gt", ">"},
      {"\\ne", "!="},
      {"\\approx", "~"},
      {"\\in", "in"},
      {"\\equiv", "="}
    };
    for (String[] candidate : spelled) {
      String text = candidate[0];
      if (s.startsWith(text, pos)
          && !(text.startsWith("\\") && isLetter(charAt(pos + text.length())))) {
        pos += text.length();
        return candidate[1];
      }
    }
    return null;
  }

  private Expr parseRatio() {
    Expr left = parseUnion();
    skipSpaces();
    if (peek() == ':') {
      pos++;
      return new Ratio(left, parseUnion());
    }
    return left;
  }

  /** {@code A \cup B \cup ...}; a single operand is itself. */
  private Expr parseUnion() {
    List<Expr> parts = new ArrayList<>();
    parts.add(parseSum());
    while (consumeCommand("cup")) {
      parts.add(parseSum());
    }
    return parts.size() == 1 ? parts.get(0) : new Union(List.copyOf(parts));
  }

  // ---- arithmetic
  // --------------------------------------------------------------------------------

  private Expr parseSum() {
    enter();
    skipSpaces();
    List<Expr> terms = new ArrayList<>();
    Expr plusMinus = null;
    if (peek() == '+') {
      pos++;
      terms.add(parseProduct());
    } else if (peek() == '-') {
      pos++;
      terms.add(new Neg(parseProduct()));
    } else if (consumeCommand("pm")) {
      plusMinus = new PlusMinus(null, parseProduct());
    } else if (consumeCommand("mp")) {
      plusMinus = new PlusMinus(null, new Neg(parseProduct()));
    } else {
      terms.add(parseProduct());
    }
    while (true) {
      skipSpaces();
      char c = peek();
      if (c == '+') {
        pos++;
        terms.add(parseProduct());
      } else if (c == '-') {
        pos++;
        terms.add(new Neg(parseProduct()));
      } else if (consumeCommand("pm") || consumeCommand("mp")) {
        boolean minusFirst = s.startsWith("mp", pos - 2);
        Expr right = parseProduct();
        Expr left = sumOf(plusMinus, terms);
        plusMinus = new PlusMinus(left, minusFirst ? new Neg(right) : right);
        terms = new ArrayList<>();
      } else {
        break;
      }
    }
    leave();
    return sumOf(plusMinus, terms);
  }

  private static Expr sumOf(Expr plusMinus, List<Expr> terms) {
    List<Expr> all = new ArrayList<>();
    if (plusMinus != null) {
      all.add(plusMinus);
    }
    all.addAll(terms);
    return all.size() == 1 ? all.get(0) : new Add(List.copyOf(all));
  }

  private Expr parseProduct() {
    enter();
    List<Expr> factors = new ArrayList<>();
    factors.add(parseUnary());
    while (true) {
      skipSpaces();
      char c = peek();
      if (c == '*' || consumeCommand("cdot") || consumeCommand("times") || consumeCommand("ast")) {
        if (c == '*') {
          pos++;
        }
        factors.add(parseUnary());
      } else if (c == '/' || consumeCommand("div")) {
        if (c == '/') {
          pos++;
        }
        Expr numerator = productOf(factors);
        factors = new ArrayList<>();
        factors.add(new Div(numerator, parseUnary()));
      } else if (startsImplicitFactor()) {
        factors.add(parsePower());
      } else {
        break;
      }
    }
    leave();
    return productOf(factors);
  }

  /** Units written as text next to a quantity ({@code 15\text{ cm}^2}) are dropped. */
  private static Expr productOf(List<Expr> factors) {
    List<Expr> kept = new ArrayList<>();
    for (Expr f : factors) {
      boolean unit = f instanceof Text || f instanceof Pow p && p.base() instanceof Text;
      if (!unit) {
        kept.add(f);
      }
    }
    if (kept.isEmpty()) {
      kept = factors;
    }
    return kept.size() == 1 ? kept.get(0) : new Mul(List.copyOf(kept));
  }

  private boolean startsImplicitFactor() {
    char c = peek();
    if (isDigit(c) || c == '(' || c == '{' || c == '.' && isDigit(charAt(pos + 1))) {
      return true;
    }
    if (isLetter(c)) {
      return !startsWord("and") && !startsWord("or");
    }
    if (c == '\\') {
      String name = peekCommandName();
      return !name.isEmpty()
              && !Set.of(
                      "pm", "mp", "cdot", "times", "div", "le", "ge", "lt", "gt", "ne", "approx",
                      "in", "equiv", "end", "right", "rangle", "rfloor", "rceil", "cup", "ast")
                  .contains(name)
          || s.startsWith("\\{", pos);
    }
    return false;
  }

  private Expr parseUnary() {
    skipSpaces();
    if (peek() == '-') {
      pos++;
      enter();
      Expr operand = parseUnary();
      leave();
      return new Neg(operand);
    }
    if (peek() == '+') {
      pos++;
      return parseUnary();
    }
    return parsePower();
  }

  private Expr parsePower() {
    enter();
    Expr base = parsePrimary();
    while (true) {
      skipSpaces();
      char c = peek();
      if (c == '^') {
        pos++;
        base = new Pow(base, parseScriptArgument());
      } else if (c == '!' && charAt(pos + 1) != '=') {
        pos++;
        base = new Call("factorial", List.of(base));
      } else if (c == '\'') {
        pos++;
      } else {
        break;
      }
    }
    leave();
    return base;
  }

  /**
   * The argument of {@code ^}, {@code _} or a macro: a brace group, one digit, one letter or a
   * command.
   */
  private Expr parseScriptArgument() {
    skipSpaces();
    char c = peek();
    if (c == '{') {
      return parseBraceGroup();
    }
    if (isDigit(c)) {
      pos++;
      return new Num(BigDecimal.valueOf(c - '0'), false);
    }
    if (isLetter(c)) {
      pos++;
      return new Sym(String.valueOf(c));
    }
    if (c == '-') {
      pos++;
      return new Neg(parseScriptArgument());
    }
    if (c == '\\' || c == '(') {
      return parsePrimary();
    }
    throw error("missing argument");
  }

  /** A TeX group; unlike brackets it keeps thousands separators ({@code {58,500}}). */
  private Expr parseBraceGroup() {
    expect('{');
    enter();
    skipSpaces();
    if (peek() == '}') {
      throw error("empty group");
    }
    Expr inner = parseGroupItems();
    expect('}');
    leave();
    return inner;
  }

  /** Items inside a brace group: one item is itself, several form a set ({@code {1,2,3}}). */
  private Expr parseGroupItems() {
    List<Expr> items = parseItems();
    return items.size() == 1 ? items.get(0) : new SetOf(List.copyOf(items));
  }

  private List<Expr> parseItems() {
    List<Expr> items = new ArrayList<>();
    items.add(parseRelation());
    skipSpaces();
    while (peek() == ',' || peek() == ';') {
      pos++;
      items.add(parseRelation());
      skipSpaces();
    }
    return items;
  }

  // ---- primaries -------------------------------------------------------------------------------

  private Expr parsePrimary() {
    skipSpaces();
    char c = peek();
    if (isDigit(c) || c == '.' && isDigit(charAt(pos + 1))) {
      return withSubscript(parseNumber());
    }
    if (isLetter(c)) {
      return parseWord();
    }
    switch (c) {
      case '(':
      case '[':
        return parseBracket();
      case '{':
        return parseBraceGroup();
      case '|':
        return parseDelimited("|", "|", "abs");
      case '\\':
        return parseCommand();
      default:
        throw error(atEnd() ? "unexpected end" : "unexpected '" + c + "'");
    }
  }

  /**
   * {@code x_1}, {@code a_{n}}: one symbol named by base and subscript. A subscript that is an
   * expression ({@code F_{n-k-1}}) names the symbol by its text without spaces.
   */
  private Expr withSubscript(Expr base) {
    if (peek() != '_') {
      return base;
    }
    pos++;
    int start = pos;
    Expr sub = parseScriptArgument();
    if (sub instanceof Num || sub instanceof Sym) {
      return new Sym(nameOf(base) + "_" + nameOf(sub));
    }
    return new Sym(nameOf(base) + "_" + s.substring(start, pos).replaceAll("\\s+", ""));
  }

  private String nameOf(Expr e) {
    if (e instanceof Num n) {
      return n.value().toPlainString();
    }
    if (e instanceof Sym sym) {
      return sym.name();
    }
    throw error("unsupported subscript");
  }

  /**
   * Digits with an optional fraction; outside brackets {@code 1,000,000} (groups of exactly three
   * digits, first group 1-3 digits not starting with 0) is one number.
   */
  private Num parseNumber() {
    int start = pos;
    StringBuilder digits = new StringBuilder();
    while (isDigit(peek())) {
      digits.append(s.charAt(pos++));
    }
    if (bracketDepth == 0
        && digits.length() > 0
        && digits.length() <= 3
        && digits.charAt(0) != '0') {
      while (peek() == ','
          && isDigit(charAt(pos + 1))
          && isDigit(charAt(pos + 2))
          && isDigit(charAt(pos + 3))
          && !isDigit(charAt(pos + 4))) {
        digits.append(s, pos + 1, pos + 4);
        pos += 4;
      }
    }
    boolean isFloat = false;
    if (peek() == '.' && isDigit(charAt(pos + 1))) {
      isFloat = true;
      digits.append('.');
      pos++;
      while (isDigit(peek())) {
        digits.append(s.charAt(pos++));
      }
    }
    if (digits.length() == 0) {
      pos = start;
      throw error("number expected");
    }
    return new Num(
        new BigDecimal(digits.charAt(0) == '.' ? "0" + digits : digits.toString()), isFloat);
  }

  /** A run of letters: a function word, a long word (one symbol) or single-letter symbols. */
  private Expr parseWord() {
    int start = pos;
    while (isLetter(peek())) {
      pos++;
    }
    String word = s.substring(start, pos);
    if (Functions.isWordFunction(word)) {
      return parseFunction(word);
    }
    if (word.equals("infinity") || word.equals("inf") || word.equals("oo")) {
      return new Sym("oo");
    }
    if (word.equals("pi")) {
      return new Sym("pi");
    }
    if (word.length() >= 3) {
      return withSubscript(new Sym(word));
    }
    List<Expr> letters = new ArrayList<>();
    for (int i = 0; i < word.length() - 1; i++) {
      letters.add(new Sym(String.valueOf(word.charAt(i))));
    }
    letters.add(withSubscript(new Sym(String.valueOf(word.charAt(word.length() - 1)))));
    return letters.size() == 1 ? letters.get(0) : new Mul(List.copyOf(letters));
  }

  /**
   * Round and square brackets: {@code (x)} groups, {@code (a,b)} is a tuple, {@code [a,b]}, {@code
   * (a,b]}, {@code [a,b)} are intervals.
   */
  private Expr parseBracket() {
    char open = s.charAt(pos++);
    bracketDepth++;
    enter();
    List<Expr> items = parseItems();
    skipSpaces();
    char close = peek();
    if (close != ')' && close != ']') {
      throw error("unclosed bracket");
    }
    pos++;
    leave();
    bracketDepth--;
    if (items.size() == 1 && (open == '(' && close == ')' || open == '[' && close == ']')) {
      return items.get(0);
    }
    if (items.size() == 2 && !(open == '(' && close == ')')) {
      return new Interval(items.get(0), items.get(1), open == '[', close == ']');
    }
    if (open == '(' && close == ')' || open == '[' && close == ']') {
      return new Tuple(List.copyOf(items));
    }
    throw error("half-open bracket with " + items.size() + " items");
  }

  private Expr parseDelimited(String open, String close, String function) {
    pos += open.length();
    bracketDepth++;
    enter();
    Expr inner = parseSum();
    skipSpaces();
    if (!s.startsWith(close, pos)) {
      throw error("missing " + close);
    }
    pos += close.length();
    leave();
    bracketDepth--;
    return new Call(function, List.of(inner));
  }

  private Expr parseCommand() {
    if (s.startsWith("\\{", pos)) {
      pos += 2;
      bracketDepth++;
      skipSpaces();
      List<Expr> items = s.startsWith("\\}", pos) ? List.of() : parseItems();
      skipSpaces();
      if (!s.startsWith("\\}", pos)) {
        throw error("missing \\}");
      }
      pos += 2;
      bracketDepth--;
      return new SetOf(List.copyOf(items));
    }
    String name = peekCommandName();
    if (name.isEmpty()) {
      throw error("unsupported escape");
    }
    pos += 1 + name.length();
    switch (name) {
      case "frac":
        {
          Expr numerator = parseScriptArgument();
          return new Div(numerator, parseScriptArgument());
        }
      case "binom":
        {
          Expr n = parseScriptArgument();
          return new Call("binom", List.of(n, parseScriptArgument()));
        }
      case "sqrt":
        {
          skipSpaces();
          if (peek() == '[') {
            pos++;
            Expr index = parseSum();
            expect(']');
            return new Call("root", List.of(parseScriptArgument(), index));
          }
          return new Call("sqrt", List.of(parseScriptArgument()));
        }
      case "text":
        return parseText();
      case "pi":
        return new Sym("pi");
      case "infty":
      case "infinity":
        return new Sym("oo");
      case "emptyset":
      case "varnothing":
        return new SetOf(List.of());
      case "langle":
        return parseAngleTuple();
      case "lfloor":
        return parseDelimitedCommand("rfloor", "floor");
      case "lceil":
        return parseDelimitedCommand("rceil", "ceil");
      case "begin":
        return parseEnvironment();
      case "sum":
      case "prod":
        return parseBigOperator(name);
      default:
        break;
    }
    if (DECORATIONS.contains(name)) {
      return parseScriptArgument();
    }
    if (Functions.UNARY.contains(name)) {
      return parseFunction(name);
    }
    if (GREEK.contains(name)) {
      return withSubscript(new Sym(name));
    }
    if (Set.of("cap", "pm", "mp", "end", "right", "rangle").contains(name)) {
      throw error("misplaced \\" + name);
    }
    return withSubscript(new Sym(name));
  }

  /**
   * {@code \sum_{k=a}^{b} body} and {@code \prod}: the call {@code sum(body, k, a, b)}. The index
   * is one letter; the body is the product that follows ({@code \sum_{k=0}^{n} a_k b_k + 1} sums
   * {@code a_k b_k} only).
   */
  private Expr parseBigOperator(String name) {
    enter();
    skipSpaces();
    expect('_');
    skipSpaces();
    expect('{');
    skipSpaces();
    if (!isLetter(peek())) {
      throw error("\\" + name + " needs an index letter");
    }
    Sym index = new Sym(String.valueOf(s.charAt(pos++)));
    skipSpaces();
    expect('=');
    Expr low = parseSum();
    skipSpaces();
    expect('}');
    skipSpaces();
    expect('^');
    Expr high = parseScriptArgument();
    Expr body = parseProduct();
    leave();
    return new Call(name, List.of(body, index, low, high));
  }

  /** {@code \sin^2 x}, {@code \log_2 8}, {@code \ln(x)}: power and base before the argument. */
  private Expr parseFunction(String name) {
    enter();
    Expr power = null;
    Expr base = null;
    for (int i = 0; i < 2; i++) {
      skipSpaces();
      if (peek() == '^') {
        pos++;
        power = parseScriptArgument();
      } else if (peek() == '_') {
        pos++;
        base = parseScriptArgument();
      }
    }
    skipSpaces();
    Expr argument = parsePower();
    leave();
    Expr call =
        base != null && name.equals("log")
            ? new Call("log", List.of(argument, base))
            : new Call(name, List.of(argument));
    return power == null ? call : new Pow(call, power);
  }

  private Expr parseText() {
    skipSpaces();
    expect('{');
    int start = pos;
    int level = 1;
    while (pos < s.length() && level > 0) {
      char c = s.charAt(pos++);
      if (c == '{') {
        level++;
      } else if (c == '}') {
        level--;
      }
    }
    if (level != 0) {
      throw error("unclosed \\text");
    }
    String content = s.substring(start, pos - 1).replaceAll("\\s+", " ").trim();
    if (content.matches("\\(?[A-Za-z]\\)?")) {
      return new Text(content.replace("(", "").replace(")", ""));
    }
    if (content.isEmpty()) {
      throw error("empty \\text");
    }
    return new Text(content);
  }

  private Expr parseAngleTuple() {
    bracketDepth++;
    List<Expr> items = parseItems();
    skipSpaces();
    if (!consumeCommand("rangle")) {
      throw error("missing \\rangle");
    }
    bracketDepth--;
    return new Tuple(List.copyOf(items));
  }

  private Expr parseDelimitedCommand(String closeCommand, String function) {
    bracketDepth++;
    Expr inner = parseSum();
    skipSpaces();
    if (!consumeCommand(closeCommand)) {
      throw error("missing \\" + closeCommand);
    }
    bracketDepth--;
    return new Call(function, List.of(inner));
  }

  /** {@code \begin{pmatrix} a & b \\ c & d \end{pmatrix}} (any matrix environment, array too). */
  private Expr parseEnvironment() {
    String env = readBraceWord();
    if (!MATRIX_ENVIRONMENTS.contains(env)) {
      throw error("unsupported environment " + env);
    }
    if (env.equals("array")) {
      readBraceWord();
    }
    bracketDepth++;
    enter();
    List<List<Expr>> rows = new ArrayList<>();
    List<Expr> row = new ArrayList<>();
    while (true) {
      skipSpaces();
      if (s.startsWith("\\end", pos)) {
        pos += 4;
        if (!readBraceWord().equals(env)) {
          throw error("mismatched \\end");
        }
        break;
      }
      row.add(parseSum());
      skipSpaces();
      if (peek() == '&') {
        pos++;
      } else if (s.startsWith("\\\\", pos)) {
        pos += 2;
        rows.add(List.copyOf(row));
        row = new ArrayList<>();
      } else if (!s.startsWith("\\end", pos)) {
        throw error("bad matrix cell");
      }
    }
    if (!row.isEmpty()) {
      rows.add(List.copyOf(row));
    }
    leave();
    bracketDepth--;
    if (rows.isEmpty() || rows.stream().anyMatch(r -> r.size() != rows.get(0).size())) {
      throw error("ragged matrix");
    }
    return new Matrix(List.copyOf(rows));
  }

  private String readBraceWord() {
    skipSpaces();
    expect('{');
    int start = pos;
    int end = s.indexOf('}', pos);
    if (end < 0 || end - start > 40) {
      throw error("bad environment name");
    }
    pos = end + 1;
    return s.substring(start, end).trim().replace("*", "");
  }

  // ---- lexical helpers ------------------------------------------------------------------------

  private String peekCommandName() {
    int i = pos + 1;
    while (i < s.length() && isLetter(s.charAt(i))) {
      i++;
    }
    return s.substring(pos + 1, i);
  }

  private boolean consumeCommand(String name) {
    skipSpaces();
    if (s.startsWith(name, pos + 1)
        && peek() == '\\'
        && !isLetter(charAt(pos + 1 + name.length()))) {
      pos += 1 + name.length();
      return true;
    }
    return false;
  }

  private boolean startsWord(String word) {
    return s.startsWith(word, pos) && !isLetter(charAt(pos + word.length()));
  }

  private void skipSpaces() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private void skipTrailingPunctuation() {
    while (pos < s.length()
        && (Character.isWhitespace(s.charAt(pos)) || ".,;".indexOf(s.charAt(pos)) >= 0)) {
      pos++;
    }
  }

  private void expect(char c) {
    skipSpaces();
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new LatexParseException("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void leave() {
    depth--;
  }

  private boolean atEnd() {
    return pos >= s.length();
  }

  private char peek() {
    return charAt(pos);
  }

  private char charAt(int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private LatexParseException error(String message) {
    return new LatexParseException(message + " at " + pos);
  }
}
