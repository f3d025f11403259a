"""The commonest function words of en, ru, be, uk and de: what tells nothing about a story.
Clustering ignores them; a chat watch made only of them (or of words under three letters)
is refused, since it would match nearly every entry.
"""

from __future__ import annotations

SHORT = 3  # words shorter than this are function words in every language here

# One string per language reads like a word list; a literal of ~300 quoted words would not.
STOP_WORDS = frozenset((  # noqa: SIM905
    # en
    "the and for with from into over after about says said will would has have had was were"
    " are its his her their this that these those what who whom how why new not but than"
    " more amid against between also all any can could may might out off per via upon one"
    " two three first last now just only still yet very here there when where which while"
    " been being our your they them she him then"
    # ru
    " что как это для при или его она они оно был была были было будет также уже все еще"
    " после между против под над около перед через без где когда который которая которые"
    " которое этот эта эти того тем том так там тут лишь только более менее сам сама свой"
    " своей своих году года заявил заявила сообщил сообщает"
    # be
    " што гэта для пры або яго яна яны было была былі будзе таксама ўжо усе яшчэ пасля"
    " паміж супраць пад над каля перад праз без дзе калі які якая якія якое гэты гэтая"
    # uk
    " що як це для при або його вона вони було була були буде також вже всі ще після між"
    " проти під над біля перед через без де коли який яка які яке цей ця ці"
    # de
    " der die das und mit von für auf dem den des ein eine einen einem einer eines zum zur"
    " bei nach über vor ist sind wird werden hat haben nicht auch als wie aus sich war"
    " waren noch nur dass oder aber sein seine ihre ihr man sie"
).split())


def is_common(word: str) -> bool:
    """A normalised word that names nothing: short, or a listed function word."""
    return len(word) < SHORT or word in STOP_WORDS
