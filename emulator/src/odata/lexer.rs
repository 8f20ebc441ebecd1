//! `$filter` tokens: parentheses, commas, single-quoted strings (`''` is a quote) and words
//! (names, property paths such as `customer/tenantId`, keywords, numbers, dates, GUIDs).

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Open,
    Close,
    Comma,
    Str(String),
    Word(String),
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    /// 1-based character position in the expression.
    pub pos: usize,
}

impl Token {
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Open => "'('".to_string(),
            Tok::Close => "')'".to_string(),
            Tok::Comma => "','".to_string(),
            Tok::Str(s) => format!("'{}'", s.replace('\'', "''")).to_string(),
            Tok::Word(w) => format!("'{w}'"),
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '+' | '/')
}

pub fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        match c {
            _ if c.is_whitespace() => i += 1,
            '(' | ')' | ',' => {
                let tok = match c {
                    '(' => Tok::Open,
                    ')' => Tok::Close,
                    _ => Tok::Comma,
                };
                tokens.push(Token { tok, pos });
                i += 1;
            }
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(format!(
                                "unterminated string literal starting at position {pos}"
                            ))
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token {
                    tok: Tok::Str(s),
                    pos,
                });
            }
            _ if is_word_char(c) => {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token {
                    tok: Tok::Word(chars[start..i].iter().collect()),
                    pos,
                });
            }
            _ => return Err(format!("unexpected character '{c}' at position {pos}")),
        }
    }
    Ok(tokens)
}
